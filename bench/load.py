"""The load generator, run as its own process: keep-alive HTTP/1.1 clients on raw asyncio
streams over uvloop (a full HTTP client library, or the default event loop, takes CPU that
the servers under test need on a 2-core machine).

    python -m bench.load '{"url": ..., "clients": 64, "seconds": 2, "pid": 1234, ...}'
        -> one JSON line of results  (or `-`: the same JSON on stdin)

Each client opens one connection and keeps it: first a warm-up, then the measured window.
Around that window the generator reads, from the kernel, the CPU time (user + system) of the
server process (`pid`) and of the PostgreSQL backends serving its database (`db_dsn`): the
CPU a request costs is far steadier on a shared machine than its latency, which other
processes' load moves. The server's peak resident memory is reset (`clear_refs`) before the
warm-up and read (VmHWM) after the window.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import uvloop

_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU of one process, from /proc/<pid>/stat; None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    # The command name may hold spaces: fields are counted from after its closing ')'.
    fields = stat[stat.rindex(b")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def reset_peak_rss(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


def peak_rss_mib(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class _Backends:
    """The CPU of the PostgreSQL backends serving one database (the server's pool), read
    from /proc: PostgreSQL runs on this machine. Unavailable (None) when it does not."""

    def __init__(self, dsn: str | None) -> None:
        self.dsn = dsn
        self.conn: Any = None
        self.start: dict[int, float] = {}

    async def open(self) -> None:
        if self.dsn:
            import asyncpg

            self.conn = await asyncpg.connect(self.dsn)

    async def _read(self) -> dict[int, float] | None:
        if self.conn is None:
            return None
        pids = await self.conn.fetch(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        found = {r[0]: cpu_seconds(r[0]) for r in pids}
        if any(v is None for v in found.values()):
            return None  # not local: no figure rather than a wrong one
        return {pid: v for pid, v in found.items() if v is not None}

    async def begin(self) -> None:
        self.start = await self._read() or {}

    async def seconds(self) -> float | None:
        end = await self._read()
        if end is None:
            return None
        # A backend that appeared during the window did all its work inside it.
        return sum(v - self.start.get(pid, 0.0) for pid, v in end.items())

    async def close(self) -> None:
        if self.conn is not None:
            await self.conn.close()


Requests = Callable[[], bytes]


def _raw(method: str, target: str, netloc: str, headers: list[str], body: bytes) -> bytes:
    if body:
        headers = [*headers, f"Content-Length: {len(body)}"]
    head = "".join(f"{h}\r\n" for h in headers)
    return f"{method} {target} HTTP/1.1\r\nHost: {netloc}\r\n{head}\r\n".encode() + body


def _cycle(netloc: str, calls: list[dict[str, Any]]) -> Requests:
    """A client's own requests, sent in turn (e.g. an answer that differs from the one
    stored, so that each is a write)."""
    raw = [
        _raw(c["method"], c["path"], netloc, list(c["headers"]), c.get("body", "").encode())
        for c in calls
    ]
    turn = itertools.cycle(raw)
    return lambda: next(turn)


def _heartbeats(netloc: str, entries: list[dict[str, Any]]) -> Requests:
    """A client's items in turn, each heartbeat what a player sends after playing the next
    STEP_MS: the interval played, the position after it, and the time now (so each one is
    newer than the stored one). The interval wraps at the end of the video, on a grid of
    STEP_MS, so the stored union stays a few ranges whatever the number of runs."""
    step = 10_000
    state = [dict(e, n=0) for e in entries]
    turn = itertools.cycle(state)

    def build() -> bytes:
        e = next(turn)
        slots = max(1, e["duration_ms"] // step - 1)
        start = ((e["start_ms"] // step + e["n"]) % slots) * step
        e["n"] += 1
        sent_at = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        body = (
            f'{{"position_ms":{start + step},"watched":[[{start},{start + step}]],'
            f'"sent_at":"{sent_at}"}}'
        ).encode()
        return _raw("PUT", e["path"], netloc, list(e["headers"]), body)

    return build


async def _client(
    host: str,
    port: int,
    requests: Requests,
    start: float,
    deadline: float,
    latencies: list[float],
    errors: list[int],
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while (now := time.perf_counter()) < deadline:
            writer.write(requests())
            status_line = await reader.readline()
            status = int(status_line.split()[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            if now >= start:  # a warm-up request is neither timed nor counted
                latencies.append(time.perf_counter() - now)
                if status >= 400:
                    errors.append(status)
    finally:
        writer.close()


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    parts = urlsplit(spec["url"])
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    body: bytes = spec.get("body", "").encode()
    headers = list(spec.get("headers", []))
    method = spec.get("method", "GET")
    request = _raw(method, target, parts.netloc, headers, body)
    clients = int(spec["clients"])
    # Each client its own requests (`plan`), or every client the one request.
    plan: dict[str, Any] | None = spec.get("plan")
    if plan is None:
        sources: list[Requests] = [lambda: request] * clients
    else:
        make = {"cycle": _cycle, "heartbeat": _heartbeats}[plan["kind"]]
        per_client = plan["clients"]
        sources = [make(parts.netloc, per_client[i % len(per_client)]) for i in range(clients)]
    pid: int | None = spec.get("pid")
    warmup, seconds = float(spec.get("warmup", 1.0)), float(spec["seconds"])
    backends = _Backends(spec.get("db_dsn"))
    await backends.open()
    rss_reset = reset_peak_rss(pid) if pid else False
    latencies: list[float] = []
    errors: list[int] = []
    start = time.perf_counter() + warmup
    deadline = start + seconds
    marks: dict[str, Any] = {}

    async def mark_start() -> None:
        await asyncio.sleep(max(0.0, start - time.perf_counter()))
        marks["cpu"] = cpu_seconds(pid) if pid else None
        await backends.begin()
        marks["t"] = time.perf_counter()

    marker = asyncio.create_task(mark_start())
    await asyncio.gather(
        *[
            _client(
                parts.hostname or "127.0.0.1",
                parts.port or 80,
                source,
                start,
                deadline,
                latencies,
                errors,
            )
            for source in sources
        ]
    )
    await marker
    drained = time.perf_counter() - marks["t"]
    cpu_end = cpu_seconds(pid) if pid else None
    db_cpu = await backends.seconds()
    await backends.close()
    latencies.sort()

    def pct(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else 0.0
        )

    cpu = cpu_end - marks["cpu"] if cpu_end is not None and marks["cpu"] is not None else None
    return {
        # Requests started in the window, per second of it; their CPU is all counted, as the
        # readings are taken once the last response has been read.
        "rps": len(latencies) / seconds,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "requests": len(latencies),
        "errors": len(errors),
        "seconds": drained,
        "cpu_s": cpu,
        "db_cpu_s": db_cpu,
        "peak_rss_mib": peak_rss_mib(pid) if pid and rss_reset else None,
    }


if __name__ == "__main__":
    given = sys.stdin.read() if sys.argv[1] == "-" else sys.argv[1]
    print(json.dumps(uvloop.run(run(json.loads(given)))))
