"""The notification stream under load: STREAMS server-sent event streams open on one real
uvicorn (the app with Redis, on the large progress data set), then rounds of one commit
holding one event for every family watching, rung through Redis as an instance does after
its commit.

Figures, each round from the commit returning to the last stream's receipt:

- events per second delivered (streams / that time), median round;
- the p99 delay from commit to receipt, beside the floor's: bare Redis publish/subscribe
  delivering one message to each of STREAMS subscribers (raw sockets), from the publish;
- the server's CPU per 1,000 events delivered, and its memory per open stream: resident
  memory after the streams opened minus before, over the number of streams.

The load side is one asyncio process on raw sockets (`python -m bench.stream`, its spec on
stdin), so that it takes little of the two cores the server needs.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

import uvloop

STREAMS = 1000
MEMORY_TARGET_KIB = 50
PREFIX = "ws:bell:account:"  # the app's doorbell channel of an account


def _rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def _cpu_s(pid: int) -> float:
    from bench.load import cpu_seconds

    value = cpu_seconds(pid)
    assert value is not None
    return value


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else 0.0


async def _open_stream(
    host: str, port: int, token: str, ready: asyncio.Event | None = None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        (
            f"GET /api/v1/notifications/stream HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
        ).encode()
    )
    seen = b""
    while b"event: ready" not in seen:
        chunk = await reader.read(65536)
        if not chunk:
            raise RuntimeError(f"stream closed before it was ready: {seen[:300]!r}")
        seen += chunk
    if not seen.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(seen[:300].decode(errors="replace"))
    return reader, writer


async def _until(reader: asyncio.StreamReader, marker: bytes, deadline: float) -> float:
    """The moment `marker` arrives on this stream."""
    seen = b""
    while marker not in seen:
        chunk = await asyncio.wait_for(reader.read(65536), deadline - time.monotonic())
        if not chunk:
            raise RuntimeError("stream closed")
        seen = seen[-200:] + chunk
    return time.perf_counter()


async def _commit(dsn: str, families: list[uuid.UUID], n: int) -> float:
    """One transaction adding one event to each family's log with the app's own statement,
    then the doorbells rung through Redis as the committing instance rings them. Returns
    the moment the commit returned."""
    from sqlalchemy.ext.asyncio import create_async_engine

    from app.core.db import create_sessionmaker
    from app.notifications import queries

    engine = create_async_engine(dsn)
    try:
        async with create_sessionmaker(engine)() as session:
            for family in families:
                await queries.insert_event(
                    session, family, None, "notification", {"bench": n, "title": "New story"}
                )
            await session.commit()
            return time.perf_counter()
    finally:
        await engine.dispose()


async def _ring(redis: Any, families: list[uuid.UUID]) -> None:
    async with redis.pipeline(transaction=False) as pipe:
        for family in families:
            pipe.publish(f"{PREFIX}{family}", b"1")
        await pipe.execute()


async def app_side(spec: dict[str, Any]) -> dict[str, Any]:
    from redis.asyncio import Redis

    url = urlsplit(spec["url"])
    host, port, pid = url.hostname or "127.0.0.1", int(url.port or 80), int(spec["pid"])
    families = [uuid.UUID(f) for f in spec["families"]]
    tokens = spec["tokens"]
    # Warm: the pool, statements, the token memory; then the resident memory before.
    warm = [await _open_stream(host, port, tokens[i]) for i in range(10)]
    for _, w in warm:
        w.close()
    await asyncio.sleep(1.0)
    rss_before = _rss_kib(pid)
    opened_at = time.perf_counter()
    streams: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    for at in range(0, len(tokens), 100):  # a hundred at a time, as reconnects spread
        streams += await asyncio.gather(
            *[_open_stream(host, port, t) for t in tokens[at : at + 100]]
        )
    open_s = time.perf_counter() - opened_at
    await asyncio.sleep(2.0)
    rss_after = _rss_kib(pid)
    redis = Redis.from_url(spec["redis_url"])
    rounds = []
    try:
        for n in range(int(spec["rounds"])):
            deadline = time.monotonic() + 60
            waits = [
                asyncio.create_task(_until(r, b"event: notification", deadline)) for r, _ in streams
            ]
            cpu0 = _cpu_s(pid)
            committed = await _commit(spec["app_dsn"], families, n)
            await _ring(redis, families)
            received = await asyncio.gather(*waits)
            cpu = _cpu_s(pid) - cpu0
            delays = [1000 * (t - committed) for t in received]
            last = max(delays)
            rounds.append(
                {
                    "events": len(delays),
                    "events_per_s": len(delays) / (last / 1000),
                    "p50_ms": _pct(delays, 0.50),
                    "p99_ms": _pct(delays, 0.99),
                    "last_ms": last,
                    "cpu_ms_per_1k": 1e6 * cpu / len(delays),
                }
            )
            await asyncio.sleep(0.5)
    finally:
        await redis.aclose()
        for _, w in streams:
            w.close()
    return {
        "streams": len(streams),
        "open_s": open_s,
        "rss_before_mib": rss_before / 1024,
        "rss_after_mib": rss_after / 1024,
        "kib_per_stream": (rss_after - rss_before) / len(streams),
        "rounds": rounds,
    }


async def floor_side(spec: dict[str, Any]) -> dict[str, Any]:
    """Bare Redis: one connection per subscriber, each on its own channel, one publish per
    subscriber pipelined; the delay from the publish to each subscriber's receipt."""
    from redis.asyncio import Redis

    url = urlsplit(spec["redis_url"])
    host, port = url.hostname or "127.0.0.1", int(url.port or 6379)
    channels = [f"bench-floor:{uuid.uuid4()}" for _ in range(int(spec["streams"]))]
    subs = []
    for channel in channels:
        reader, writer = await asyncio.open_connection(host, port)
        name = channel.encode()
        writer.write(b"*2\r\n$9\r\nSUBSCRIBE\r\n$%d\r\n%s\r\n" % (len(name), name))
        confirmed = b""
        while not confirmed.endswith(b":1\r\n"):
            confirmed += await reader.read(1024)
        subs.append((reader, writer))
    redis = Redis.from_url(spec["redis_url"])
    rounds = []
    try:
        for _ in range(int(spec["rounds"])):
            deadline = time.monotonic() + 60
            waits = [asyncio.create_task(_until(r, b"ring", deadline)) for r, _ in subs]
            await asyncio.sleep(0.05)
            sent = time.perf_counter()
            async with redis.pipeline(transaction=False) as pipe:
                for channel in channels:
                    pipe.publish(channel, b"ring")
                await pipe.execute()
            received = await asyncio.gather(*waits)
            delays = [1000 * (t - sent) for t in received]
            rounds.append(
                {
                    "events": len(delays),
                    "events_per_s": len(delays) / (max(delays) / 1000),
                    "p50_ms": _pct(delays, 0.50),
                    "p99_ms": _pct(delays, 0.99),
                    "last_ms": max(delays),
                }
            )
            await asyncio.sleep(0.2)
    finally:
        await redis.aclose()
        for _, w in subs:
            w.close()
    return {"rounds": rounds}


async def _main(spec: dict[str, Any]) -> dict[str, Any]:
    return {"app": await app_side(spec), "floor": await floor_side(spec)}


# --- the driver's side -----------------------------------------------------------------------


def run_stream(ctx: Any, dsn: str, env: dict[str, str], start: Any, root: Any) -> dict[str, Any]:
    """Starts the stream server (`start(env)` -> (process, base URL), once it answers),
    runs the load process, stops the server; the figures."""
    from sqlalchemy.engine import make_url

    from bench import learners
    from bench.writes import _explorers, _fetch

    redis_url = os.environ.get("BENCH_STREAM_REDIS_URL", "redis://127.0.0.1:6379/0")
    rounds = int(os.environ.get("BENCH_STREAM_ROUNDS", "5"))
    total = -(-_explorers(dsn) // learners.EXPLORERS_PER_FAMILY)
    families = [learners.ident("family", n) for n in range(min(STREAMS, total))]
    # More streams than families: more devices per family, one stream each.
    tokens = [ctx.token_for(families[i % len(families)]) for i in range(STREAMS)]
    load_before = os.getloadavg()
    print(f"{STREAMS} notification streams over {len(families)} families ...", flush=True)
    server, base = start({**env, "REDIS_URL": redis_url})
    try:
        spec = {
            "url": base,
            "pid": server.pid,
            "families": [str(f) for f in families],
            "tokens": tokens,
            "rounds": rounds,
            "streams": STREAMS,
            "redis_url": redis_url,
            "app_dsn": make_url(dsn).set(drivername="postgresql+asyncpg").render_as_string(False),
        }
        out = subprocess.run(
            [sys.executable, "-m", "bench.stream"],
            cwd=root,
            input=json.dumps(spec),
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            raise SystemExit(f"stream load failed:\n{out.stderr[-3000:]}")
        result: dict[str, Any] = json.loads(out.stdout)
    finally:
        server.terminate()
        server.wait(10)
        # Keep the data set steady: the events of this run go (the sequences stay).
        _fetch(
            dsn,
            "DELETE FROM notification_event WHERE account_id = ANY($1::uuid[])",
            families,
        )
    app, floor = result["app"], result["floor"]
    med = statistics.median
    summary = {
        "streams": app["streams"],
        "families": len(families),
        "rounds": rounds,
        "events_per_s": med(r["events_per_s"] for r in app["rounds"]),
        "p50_ms": med(r["p50_ms"] for r in app["rounds"]),
        "p99_ms": med(r["p99_ms"] for r in app["rounds"]),
        "cpu_ms_per_1k_events": med(r["cpu_ms_per_1k"] for r in app["rounds"]),
        "floor_events_per_s": med(r["events_per_s"] for r in floor["rounds"]),
        "floor_p99_ms": med(r["p99_ms"] for r in floor["rounds"]),
        "kib_per_stream": app["kib_per_stream"],
        "memory_target_kib": MEMORY_TARGET_KIB,
        "memory_held": app["kib_per_stream"] < MEMORY_TARGET_KIB,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "raw": result,
    }
    summary["p99_ratio"] = summary["floor_p99_ms"] / summary["p99_ms"]
    return summary


def render_stream(s: dict[str, Any]) -> str:
    held = "held" if s["memory_held"] else "MISSED"
    return (
        f"notification stream: {s['streams']} streams ({s['families']} families), "
        f"{s['rounds']} commits of one event per family\n"
        f"  events/s delivered   app {s['events_per_s']:8.0f}   floor (bare Redis) "
        f"{s['floor_events_per_s']:8.0f}\n"
        f"  p99 commit->receipt  app {s['p99_ms']:8.1f} ms  floor {s['floor_p99_ms']:8.1f} ms"
        f"  ratio floor/app {s['p99_ratio']:.3f}  (p50 app {s['p50_ms']:.1f} ms)\n"
        f"  server CPU per 1k events delivered {s['cpu_ms_per_1k_events']:.0f} ms\n"
        f"  memory per open stream {s['kib_per_stream']:.1f} KiB  < {s['memory_target_kib']} KiB"
        f"  {held}"
    )


if __name__ == "__main__":
    print(json.dumps(uvloop.run(_main(json.loads(sys.stdin.read())))))
