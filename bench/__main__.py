"""`make bench`: the catalogue's hot paths under load, each beside its floor, in one run.

Starts PostgreSQL (embedded, or BENCH_DATABASE_URL), loads 20k videos, 2k eBooks and 2k
DIYs, starts the app (uncached and cached), the floor app (Starlette + asyncpg, same SQL,
same JSON, same JWT check) and a constant FastAPI endpoint, drives each from a separate
load-generator process, and prints requests/s, p50, p99 and the ratios. These machines are
noisy: read the ratios, not the absolute numbers.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from app.auth.tokens import TokenIssuer
from app.bootstrap import migrate
from app.core.config import Settings
from app.core.embedded_pg import start_embedded_postgres

ROOT = Path(__file__).resolve().parent.parent
SECONDS = float(os.environ.get("BENCH_SECONDS", "2"))
# Each pair is measured in alternating rounds and each side's best round is kept: other load
# on a shared machine only ever slows a round down, and alternating exposes both sides to it.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SECRET = "bench-secret-" + "x" * 40
_SYLLABLES = [
    "ka",
    "ma",
    "si",
    "to",
    "ne",
    "bo",
    "la",
    "ri",
    "ku",
    "fe",
    "da",
    "wo",
    "yi",
    "pa",
    "gu",
]
# A vocabulary the size of a real catalogue's (a few thousand words), with the demo's words in it.
WORDS = sorted(
    {"".join(random.Random(n).choices(_SYLLABLES, k=2 + n % 3)) for n in range(6000)}
    | {"anansi", "kente", "drum", "river", "baobab", "tortoise", "volcano", "rainbow"}
)
TAGS = ["folktale", "science", "music", "dance", "craft", "nature", "animals", "colours", "history"]


def _title(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS).title() for _ in range(rng.randint(2, 5)))


async def load(dsn: str) -> dict[str, Any]:
    """Bulk-loads a realistic catalogue with COPY; returns facts the scenarios need."""
    rng = random.Random(7)
    conn = await asyncpg.connect(dsn)
    now = datetime.now(UTC)
    themes = {
        kind: [(uuid.uuid4(), f"{kind}-theme-{i}") for i in range(n)]
        for kind, n in (("video", 4), ("ebook", 2), ("diy", 2))
    }
    await conn.copy_records_to_table(
        "theme",
        columns=["id", "kind", "slug", "title", "description", "colour", "sort_order"],
        records=[
            (tid, kind, slug, slug.title(), "", "#ffb300", i)
            for kind, items in themes.items()
            for i, (tid, slug) in enumerate(items)
        ],
    )

    def common(i: int, kind: str) -> tuple[Any, ...]:
        theme = themes[kind][i % len(themes[kind])][0]
        low = rng.choice([3, 4, 5, 6, 7, 9])
        return (
            uuid.uuid4(),
            theme,
            _title(rng),
            " ".join(rng.choice(WORDS) for _ in range(20)),
            "published",
            now - timedelta(seconds=i * 7 + 1),
            low,
            min(12, low + rng.randint(2, 5)),
            "en",
            rng.sample(TAGS, 2),
            0,
        )

    base = [
        "id",
        "theme_id",
        "title",
        "description",
        "status",
        "published_at",
        "age_min",
        "age_max",
        "language",
        "tags",
        "sort_order",
    ]
    videos = [
        (
            *common(i, "video"),
            rng.choice(["stories", "music", "dance", "science", "culture"]),
            rng.randint(60, 900) * 1000,
        )
        for i in range(20_000)
    ]
    await conn.copy_records_to_table(
        "video", columns=[*base, "category", "duration_ms"], records=videos
    )
    ebooks = [(*common(i, "ebook"), "Bench Author", 2) for i in range(2_000)]
    await conn.copy_records_to_table(
        "ebook", columns=[*base, "author", "reading_level"], records=ebooks
    )
    await conn.copy_records_to_table(
        "ebook_page",
        columns=["ebook_id", "number", "text", "word_timings"],
        records=[
            (e[0], n, " ".join(rng.choice(WORDS) for _ in range(30)), "[]")
            for e in ebooks
            for n in (1, 2, 3)
        ],
    )
    diys = [(*common(i, "diy"), "easy", 20) for i in range(2_000)]
    await conn.copy_records_to_table("diy", columns=[*base, "difficulty", "minutes"], records=diys)
    await conn.close()

    from sqlalchemy.ext.asyncio import create_async_engine

    from app.catalog import editing
    from app.catalog.schemas import Kind
    from app.core.db import create_sessionmaker

    engine = create_async_engine(make_url(dsn).set(drivername="postgresql+asyncpg"))
    async with create_sessionmaker(engine)() as session:
        for kind, rows in ((Kind.video, videos), (Kind.ebook, ebooks), (Kind.diy, diys)):
            await editing.reindex(session, kind, [r[0] for r in rows])
        await session.commit()
    await engine.dispose()
    # As autovacuum leaves a live database: statistics, and the GIN indexes' pending lists
    # merged (a search scanning a fresh bulk load's pending list took four times as long).
    # The checkpoint writes the load out now rather than during a measurement.
    conn = await asyncpg.connect(dsn)
    await conn.execute("VACUUM ANALYZE")
    await conn.execute("CHECKPOINT")
    await conn.close()
    return {"theme": themes["video"][0][1]}


def serve(module: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            module,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )


def wait_up(url: str) -> None:
    for _ in range(300):
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


def drive(url: str, clients: int, headers: list[str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.load", url, str(clients), str(SECONDS), *headers],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def pair(
    app_url: str, ref_url: str, clients: int, headers: list[str]
) -> tuple[dict[str, float], dict[str, float]]:
    """The app's and the reference's best rounds (highest requests/s) of ROUNDS each."""
    rounds: list[tuple[dict[str, float], dict[str, float]]] = [
        (drive(app_url, clients, headers), drive(ref_url, clients, headers)) for _ in range(ROUNDS)
    ]
    return (
        max((app for app, _ in rounds), key=lambda r: r["rps"]),
        max((ref for _, ref in rounds), key=lambda r: r["rps"]),
    )


def main() -> int:
    given = os.environ.get("BENCH_DATABASE_URL")
    embedded = None
    if given:
        server_dsn = make_url(given).set(drivername="postgresql").render_as_string(False)
    else:
        embedded = start_embedded_postgres(ROOT / ".data" / "bench-postgres", "postgres")
        # Two app instances and the floor each keep a pool as large as the clients in flight.
        embedded.ensure_max_connections(400)
        server_dsn = embedded.url("postgres", driver="postgresql")
    name = f"bench_{os.getpid()}"
    asyncio.run(_admin(server_dsn, f'CREATE DATABASE "{name}"'))
    dsn = make_url(server_dsn).set(database=name).render_as_string(False)
    app_url = make_url(dsn).set(drivername="postgresql+asyncpg").render_as_string(False)
    servers: list[subprocess.Popen[bytes]] = []
    try:
        print("migrating and loading 20k videos, 2k eBooks, 2k DIYs ...", flush=True)
        migrate(app_url)
        facts = asyncio.run(load(dsn))
        env = {
            "DATABASE_URL": app_url,
            "ENV": "test",
            "SECRET_KEY": SECRET,
            "SEED_DEMO_CONTENT": "false",
            "DB_POOL_SIZE": "70",
            "RATE_LIMIT_PER_MINUTE": "100000000",
            "LOG_LEVEL": "WARNING",
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", ""),
        }
        ports = {"uncached": 18081, "cached": 18082, "floor": 18083, "constant": 18084}
        servers.append(serve("main:app", ports["uncached"], {**env, "CATALOG_CACHE": "false"}))
        servers.append(serve("main:app", ports["cached"], {**env, "CATALOG_CACHE": "true"}))
        servers.append(serve("bench.floor:app", ports["floor"], {**env, "FLOOR_DSN": dsn}))
        for port in ports.values():
            if port != ports["constant"]:
                wait_up(f"http://127.0.0.1:{port}/api/v1/videos?limit=1")
        token = TokenIssuer.from_settings(Settings(_env_file=None, secret_key=SECRET)).issue(  # type: ignore[call-arg]
            str(uuid.uuid4()), "access", role="parent", ttl_seconds=3600
        )
        auth = [f"Authorization: Bearer {token}"]
        list_path = f"/api/v1/videos?theme={facts['theme']}&limit=20"
        body = httpx.get(f"http://127.0.0.1:{ports['cached']}{list_path}").content
        servers.append(
            serve("bench.constant:app", ports["constant"], {"CONSTANT_BODY": body.decode()})
        )
        wait_up(f"http://127.0.0.1:{ports['constant']}/api/v1/videos")
        explore, search = "/api/v1/tabs/explore", "/api/v1/search?q=anansi%20kente"
        _same_json(ports, list_path, explore, search)
        page100 = _cursor_at(ports["uncached"], list_path, 100)

        def url(kind: str, path: str) -> str:
            return f"http://127.0.0.1:{ports[kind]}{path}"

        # Unmeasured: every server fills its pool and prepares its statements on each of
        # those connections before the first round, so no scenario pays for the start.
        for kind in ("uncached", "cached", "floor"):
            for path in (list_path, explore, search):
                drive(url(kind, path), 64, auth)
        drive(url("uncached", f"{list_path}&cursor={page100}"), 64, auth)

        results = [
            (
                "list, uncached (64)",
                *pair(url("uncached", list_path), url("floor", list_path), 64, auth),
                "floor",
            ),
            (
                "list, cached (64)",
                *pair(url("cached", list_path), url("constant", "/api/v1/videos"), 64, auth),
                "constant",
            ),
            (
                "explore, uncached (64)",
                *pair(url("uncached", explore), url("floor", explore), 64, auth),
                "floor",
            ),
            (
                "search, uncached (32)",
                *pair(url("uncached", search), url("floor", search), 32, auth),
                "floor",
            ),
            (
                "list page 100 vs page 1 (32)",
                *pair(
                    url("uncached", f"{list_path}&cursor={page100}"),
                    url("uncached", list_path),
                    32,
                    auth,
                ),
                "page 1",
            ),
        ]
        _report(results)
        return 0
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(10)
        asyncio.run(_admin(server_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if embedded is not None:
            embedded.stop()


async def _admin(dsn: str, sql: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _same_json(ports: dict[str, int], *paths: str) -> None:
    """The floor must answer exactly what the app answers, or the ratio means nothing."""
    for path in paths:
        app = httpx.get(f"http://127.0.0.1:{ports['uncached']}{path}").json()
        floor = httpx.get(f"http://127.0.0.1:{ports['floor']}{path}").json()
        if app != floor:
            raise SystemExit(f"the floor's JSON differs from the app's for {path}")


def _cursor_at(port: int, path: str, page: int) -> str:
    cursor = ""
    for _ in range(page - 1):
        suffix = f"&cursor={cursor}" if cursor else ""
        cursor = httpx.get(f"http://127.0.0.1:{port}{path}{suffix}").json()["next_cursor"]
    return cursor


def _report(results: list[tuple[str, dict[str, float], dict[str, float], str]]) -> None:
    print(
        f"\n{'scenario':32} {'app rps':>9} {'p50 ms':>8} {'p99 ms':>8} | "
        f"{'ref rps':>9} {'p50 ms':>8} {'p99 ms':>8}  ratio"
    )
    ratios = {}
    for name, app, ref, ref_name in results:
        ratio = app["rps"] / ref["rps"] if ref["rps"] else 0.0
        ratios[name] = (ratio, app)
        print(
            f"{name:32} {app['rps']:9.0f} {app['p50_ms']:8.1f} {app['p99_ms']:8.1f} | "
            f"{ref['rps']:9.0f} {ref['p50_ms']:8.1f} {ref['p99_ms']:8.1f}  "
            f"{ratio:.2f} of {ref_name}"
            + (f"  ({int(app['errors'])} errors)" if app["errors"] else "")
        )
    checks = [
        ("uncached list >= 0.5 of floor", ratios["list, uncached (64)"][0] >= 0.5),
        ("uncached list p99 < 100 ms", ratios["list, uncached (64)"][1]["p99_ms"] < 100),
        ("cached list >= 0.8 of a constant endpoint", ratios["list, cached (64)"][0] >= 0.8),
        ("search p99 < 50 ms at 32 clients", ratios["search, uncached (32)"][1]["p99_ms"] < 50),
        ("page 100 as fast as page 1 (>= 0.9)", ratios["list page 100 vs page 1 (32)"][0] >= 0.9),
    ]
    print()
    for label, ok in checks:
        print(f"  {'PASS' if ok else 'MISS'}  {label}")


if __name__ == "__main__":
    sys.exit(main())
