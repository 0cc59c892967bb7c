"""`make bench`: the hot paths under load, each beside its reference, in one run.

Starts PostgreSQL (embedded, or BENCH_DATABASE_URL), makes sure the data sets are loaded
(kept between runs: two catalogues, and two progress tables of many families' explorers),
starts the servers the chosen scenarios use (the app uncached, cached, on the large
catalogue and on each progress data set; the floor, bench/floor.py, beside them; a constant
FastAPI endpoint), checks that the floor answers the app's JSON (for a write: the same
answers and the same rows afterwards), and measures every scenario of bench/scenarios.py in
alternating rounds; then the notification stream (bench/stream.py). The main
figure is the server process's CPU time per 1,000 requests, read from the kernel around each
measured round; requests/s and latencies are reported beside it as ratios, never targets.
Prints one table and writes bench/results/latest.json (the one before becomes previous.json).

    python -m bench            # full: 20,000 and 200,000 videos, 5 rounds of 2 s
    python -m bench --quick    # 2,000 and 20,000 videos, 1 round
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
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
from bench import learners
from bench.scenarios import DERIVED, SCENARIOS, STREAM_NAME, Call, Context, Scenario, Side
from bench.stream import render_stream, run_stream

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
SECRET = "bench-secret-" + "x" * 40
MEMORY_LIMIT_MIB = 300
# Bump when `load` changes what it loads: kept data sets of another version are rebuilt.
DATASET_VERSION = "2"  # 2: videos have a processed file (playable)
# The same for the progress data sets (bench/learners.py).
PROGRESS_VERSION = "4"
# The catalogue under every progress data set: only the progress table's size differs.
PROGRESS_VIDEOS = 2_000
PORTS = {
    "app": 18081,
    "cached": 18082,
    "floor": 18083,
    "constant": 18084,
    "large": 18085,
    "p-app": 18086,
    "p-floor": 18087,
    "p-app-small": 18088,
    "p-floor-small": 18089,
    "stream": 18090,
}
# Servers on a progress data set: (the large progress table or the small one, what runs).
PROGRESS_SERVERS = {
    "p-app": ("large", "main:app"),
    "p-floor": ("large", "bench.floor:app"),
    "p-app-small": ("small", "main:app"),
    "p-floor-small": ("small", "bench.floor:app"),
}


@dataclass(frozen=True)
class Mode:
    name: str
    main_videos: int
    large_videos: int
    rounds: int
    seconds: float
    warmup: float
    progress_small: int = 10_000
    progress_large: int = 1_000_000


FULL = Mode("full", 20_000, 200_000, 5, 2.0, 1.0)
QUICK = Mode("quick", 2_000, 20_000, 1, 1.5, 0.5, 10_000, 100_000)

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
MAIN_THEME = "video-theme-0"
# The parent every request is sent as: a token must belong to a live account.
ACCOUNT = uuid.UUID("b0000000-0000-4000-8000-000000000001")


# --- data sets ----------------------------------------------------------------------------


def _title(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS).title() for _ in range(rng.randint(2, 5)))


async def load(dsn: str, videos: int) -> None:
    """Bulk-loads a catalogue of `videos` videos and a tenth as many eBooks (three pages
    each) and DIYs with COPY, and builds their search documents with the app's own code."""
    rng = random.Random(7)
    others = max(1, videos // 10)
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
    # One processed file stands for every video's (a video without a file cannot be played).
    media = uuid.uuid4()
    await conn.execute(
        "INSERT INTO media_asset (id, key, kind, content_type, size_bytes, filename, status, "
        "duration_ms, width, height) VALUES ($1, 'video/bench/all.mp4', 'video', 'video/mp4', "
        "1000000, 'all.mp4', 'ready', 900000, 640, 360)",
        media,
    )
    video_rows = [
        (
            *common(i, "video"),
            rng.choice(["stories", "music", "dance", "science", "culture"]),
            rng.randint(60, 900) * 1000,
            media,
        )
        for i in range(videos)
    ]
    await conn.copy_records_to_table(
        "video", columns=[*base, "category", "duration_ms", "media_asset_id"], records=video_rows
    )
    ebooks = [(*common(i, "ebook"), "Bench Author", 2) for i in range(others)]
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
    diys = [(*common(i, "diy"), "easy", 20) for i in range(others)]
    await conn.copy_records_to_table("diy", columns=[*base, "difficulty", "minutes"], records=diys)
    await conn.close()

    from sqlalchemy.ext.asyncio import create_async_engine

    from app.catalog import admin_service
    from app.catalog.schemas import Kind
    from app.core.db import create_sessionmaker

    engine = create_async_engine(make_url(dsn).set(drivername="postgresql+asyncpg"))
    async with create_sessionmaker(engine)() as session:
        for kind, rows in ((Kind.video, video_rows), (Kind.ebook, ebooks), (Kind.diy, diys)):
            for at in range(0, len(rows), 20_000):
                ids = [r[0] for r in rows[at : at + 20_000]]
                await admin_service.reindex(session, kind, ids)
        await session.commit()
    await engine.dispose()
    # As autovacuum leaves a live database: statistics, and the GIN indexes' pending lists
    # merged (a search scanning a fresh bulk load's pending list took four times as long).
    # The checkpoint writes the load out now rather than during a measurement.
    conn = await asyncpg.connect(dsn)
    await conn.execute("VACUUM ANALYZE")
    await conn.execute("CHECKPOINT")
    await conn.close()


async def _dataset_version(dsn: str) -> str | None:
    try:
        conn = await asyncpg.connect(dsn)
    except asyncpg.InvalidCatalogNameError:
        return None
    try:
        return await conn.fetchval("SELECT version FROM bench_dataset")  # type: ignore[no-any-return]
    except asyncpg.UndefinedTableError:
        return None
    finally:
        await conn.close()


def ensure_progress_dataset(server_dsn: str, rows: int) -> str:
    """A database of PROGRESS_VIDEOS videos and `rows` progress rows of many families'
    explorers (bench/learners.py), built once and kept like the catalogue data sets; each
    run then reopens its prepared quiz attempts and clears its check explorers."""
    name = f"bench_progress_{rows}"
    dsn = make_url(server_dsn).set(database=name).render_as_string(False)
    app_dsn = make_url(dsn).set(drivername="postgresql+asyncpg").render_as_string(False)
    if asyncio.run(_dataset_version(dsn)) == PROGRESS_VERSION:
        print(f"progress data set of {rows:,} rows: kept ({name})", flush=True)
        migrate(app_dsn)
    else:
        print(f"progress data set of {rows:,} rows: building ({name}) ...", flush=True)
        started = time.monotonic()
        asyncio.run(_admin(server_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        asyncio.run(_admin(server_dsn, f'CREATE DATABASE "{name}"'))
        migrate(app_dsn)
        asyncio.run(load(dsn, PROGRESS_VIDEOS))
        asyncio.run(_load_learners(dsn, rows))
        asyncio.run(
            _admin(
                dsn,
                "CREATE TABLE bench_dataset (version text NOT NULL, videos int NOT NULL, "
                "progress_rows int NOT NULL, built_at timestamptz NOT NULL DEFAULT now()); "
                "INSERT INTO bench_dataset (version, videos, progress_rows) "
                f"VALUES ('{PROGRESS_VERSION}', {PROGRESS_VIDEOS}, {rows})",
            )
        )
        print(f"  built in {time.monotonic() - started:.0f} s", flush=True)
    asyncio.run(_refresh_learners(dsn))
    return dsn


async def _load_learners(dsn: str, rows: int) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            await learners.load(conn, rows)
        await conn.execute("VACUUM ANALYZE")
        await conn.execute("CHECKPOINT")
    finally:
        await conn.close()


async def _refresh_learners(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await learners.refresh(conn)
    finally:
        await conn.close()


def ensure_dataset(server_dsn: str, videos: int) -> str:
    """The DSN of a database holding the data set of `videos` videos, built once and kept:
    rebuilt only when absent, half-built or of another DATASET_VERSION. A kept one is
    migrated to the current head, as a live database would be."""
    name = f"bench_data_{videos}"
    dsn = make_url(server_dsn).set(database=name).render_as_string(False)
    app_dsn = make_url(dsn).set(drivername="postgresql+asyncpg").render_as_string(False)
    if asyncio.run(_dataset_version(dsn)) == DATASET_VERSION:
        print(f"data set of {videos:,} videos: kept ({name})", flush=True)
        migrate(app_dsn)
        asyncio.run(_admin(dsn, ACCOUNT_SQL))
        return dsn
    print(f"data set of {videos:,} videos: building ({name}) ...", flush=True)
    started = time.monotonic()
    asyncio.run(_admin(server_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(_admin(server_dsn, f'CREATE DATABASE "{name}"'))
    migrate(app_dsn)
    asyncio.run(load(dsn, videos))
    asyncio.run(_admin(dsn, ACCOUNT_SQL))
    # Last, so that a build cut short is found half-built and redone.
    asyncio.run(
        _admin(
            dsn,
            "CREATE TABLE bench_dataset (version text NOT NULL, videos int NOT NULL, "
            f"built_at timestamptz NOT NULL DEFAULT now()); "
            f"INSERT INTO bench_dataset (version, videos) VALUES ('{DATASET_VERSION}', {videos})",
        )
    )
    print(f"  built in {time.monotonic() - started:.0f} s", flush=True)
    return dsn


ACCOUNT_SQL = (
    "INSERT INTO account (id, email, role, created_at, updated_at) "
    f"VALUES ('{ACCOUNT}', 'bench@example.com', 'parent', now(), now()) ON CONFLICT DO NOTHING"
)


async def _admin(dsn: str, sql: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


# --- servers and rounds -------------------------------------------------------------------


def serve(module: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    # One uvicorn worker, in this very process: the pid is the server's.
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


def wait_up(url: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit(f"{url}: the server exited ({server.returncode})")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not start")


@dataclass
class Target:
    """Where one side of a scenario sends its requests."""

    url: str
    call: Call
    pid: int
    db_dsn: str | None
    server: str = ""


def drive(target: Target, clients: int, seconds: float, warmup: float) -> dict[str, Any]:
    spec = {
        "url": target.url,
        "method": target.call.method,
        "body": target.call.body,
        "headers": list(target.call.headers),
        "clients": clients,
        "seconds": seconds,
        "warmup": warmup,
        "pid": target.pid,
        "db_dsn": target.db_dsn,
        "plan": target.call.plan,
    }
    out = subprocess.run(
        [sys.executable, "-m", "bench.load", "-"],
        cwd=ROOT,
        input=json.dumps(spec),  # on stdin: a plan can be larger than a command line
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise SystemExit(f"load generator failed on {target.url}:\n{out.stderr}")
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def summarise(rounds: list[dict[str, Any]], with_db: bool) -> dict[str, Any]:
    """One side's figures over its rounds: CPU per 1,000 requests as the median round
    (robust to one disturbed round either way); requests/s and latencies from its best
    round (other load on a shared machine only ever slows a round down)."""

    def per_1k(r: dict[str, Any], db: bool) -> float | None:
        if not r["requests"] or r["cpu_s"] is None:
            return None
        cpu = float(r["cpu_s"]) + (float(r["db_cpu_s"] or 0.0) if db else 0.0)
        return 1e6 * cpu / int(r["requests"])  # ms per 1,000 requests

    def median(values: list[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return statistics.median(known) if known else None

    best = max(rounds, key=lambda r: r["rps"])
    db_known = all(r["db_cpu_s"] is not None for r in rounds)
    rss = [r["peak_rss_mib"] for r in rounds if r["peak_rss_mib"] is not None]
    return {
        "cpu_ms_per_1k": median([per_1k(r, with_db and db_known) for r in rounds]),
        "server_cpu_ms_per_1k": median([per_1k(r, False) for r in rounds]),
        "db_cpu_ms_per_1k": median(
            [1e6 * r["db_cpu_s"] / r["requests"] for r in rounds if r["requests"]]
        )
        if db_known
        else None,
        "db_included": with_db and db_known,
        "rps": best["rps"],
        "p50_ms": best["p50_ms"],
        "p99_ms": best["p99_ms"],
        "peak_rss_mib": max(rss) if rss else None,
        "errors": sum(r["errors"] for r in rounds),
        "rounds": rounds,
    }


def measure(
    scenario: Scenario, app: Target, ref: Target, mode: Mode, ctx: Context
) -> dict[str, Any]:
    rounds: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def side(target: Target) -> dict[str, Any]:
        if scenario.before_round is not None:
            scenario.before_round(ctx, target.server)
        return drive(target, scenario.clients, mode.seconds, mode.warmup)

    for _ in range(mode.rounds):
        # Alternating: both sides are exposed to whatever else the machine is doing.
        a = side(app)
        r = side(ref)
        rounds.append((a, r))
    app_side = summarise([a for a, _ in rounds], scenario.with_db)
    ref_side = summarise([r for _, r in rounds], scenario.with_db)
    ratio = (
        ref_side["cpu_ms_per_1k"] / app_side["cpu_ms_per_1k"]
        if app_side["cpu_ms_per_1k"] and ref_side["cpu_ms_per_1k"]
        else None
    )
    errors = app_side["errors"] + ref_side["errors"]
    held = None
    if scenario.target is not None:
        held = ratio is not None and ratio >= scenario.target and not errors
    return {
        "name": scenario.name,
        "against": scenario.against,
        "clients": scenario.clients,
        "app": {"server": scenario.app.server, "path": app.call.path, **app_side},
        "ref": {"server": scenario.ref.server, "path": ref.call.path, **ref_side},
        "ratio": ratio,
        "rps_ratio": app_side["rps"] / ref_side["rps"] if ref_side["rps"] else None,
        "p50_ratio": app_side["p50_ms"] / ref_side["p50_ms"] if ref_side["p50_ms"] else None,
        "p99_ratio": app_side["p99_ms"] / ref_side["p99_ms"] if ref_side["p99_ms"] else None,
        "target": scenario.target,
        "held": held,
        "figure": "server + database CPU" if app_side["db_included"] else "server CPU",
    }


# --- the run ------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    mode = QUICK if "--quick" in argv or os.environ.get("BENCH_QUICK") == "1" else FULL
    mode = dataclasses.replace(
        mode,
        rounds=int(os.environ.get("BENCH_ROUNDS", mode.rounds)),
        seconds=float(os.environ.get("BENCH_SECONDS", mode.seconds)),
    )
    # Substrings of scenario names, separated by |, to measure a few.
    only = [part.strip() for part in os.environ.get("BENCH_ONLY", "").split("|") if part.strip()]
    scenarios = [s for s in SCENARIOS if not only or any(part in s.name for part in only)]
    load_before = os.getloadavg()
    started = time.monotonic()
    given = os.environ.get("BENCH_DATABASE_URL")
    embedded = None
    if given:
        server_dsn = make_url(given).set(drivername="postgresql").render_as_string(False)
    else:
        embedded = start_embedded_postgres(ROOT / ".data" / "bench-postgres", "postgres")
        # Every app instance and floor keeps a pool as large as the clients in flight.
        embedded.ensure_max_connections(800)
        server_dsn = embedded.url("postgres", driver="postgresql")
    servers: dict[str, subprocess.Popen[bytes]] = {}
    # Only the servers the chosen scenarios use are started (BENCH_ONLY).
    used = {side.server for s in scenarios for side in (s.app, s.ref)}
    if any(s.name == "list, cached" for s in scenarios):
        used.add("cached")
    with_stream = not only or any(part in STREAM_NAME for part in only)
    try:
        main_dsn = ensure_dataset(server_dsn, mode.main_videos)
        large_dsn = ensure_dataset(server_dsn, mode.large_videos) if "large" in used else None
        progress_dsn = {
            size: ensure_progress_dataset(server_dsn, rows)
            for size, rows in (("large", mode.progress_large), ("small", mode.progress_small))
            if any(PROGRESS_SERVERS[n][0] == size for n in used if n in PROGRESS_SERVERS)
            or (size == "large" and with_stream)
        }

        def app_env(dsn: str) -> dict[str, str]:
            url = make_url(dsn).set(drivername="postgresql+asyncpg").render_as_string(False)
            return {
                "DATABASE_URL": url,
                "ENV": "test",
                "SECRET_KEY": SECRET,
                "SEED_DEMO_CONTENT": "false",
                "DB_POOL_SIZE": "70",
                "RATE_LIMIT_PER_MINUTE": "100000000",
                "LOG_LEVEL": "WARNING",
                "REDIS_URL": os.environ.get("BENCH_REDIS_URL", ""),
            }

        db_of: dict[str, str | None] = {
            "app": main_dsn,
            "cached": main_dsn,
            "floor": main_dsn,
            "large": large_dsn,
            **{n: progress_dsn.get(size) for n, (size, _) in PROGRESS_SERVERS.items()},
        }
        starts: dict[str, tuple[str, dict[str, str]]] = {
            "app": ("main:app", {**app_env(main_dsn), "CATALOG_CACHE": "false"}),
            "cached": ("main:app", {**app_env(main_dsn), "CATALOG_CACHE": "true"}),
            "floor": ("bench.floor:app", {**app_env(main_dsn), "FLOOR_DSN": main_dsn}),
        }
        if large_dsn:
            starts["large"] = ("main:app", {**app_env(large_dsn), "CATALOG_CACHE": "false"})
        for name, (size, module) in PROGRESS_SERVERS.items():
            if name in used:
                dsn = progress_dsn[size]
                starts[name] = (module, {**app_env(dsn), "FLOOR_DSN": dsn})
        for name, (module, env) in starts.items():
            if name in used:
                servers[name] = serve(module, PORTS[name], env)
        for name, server in servers.items():
            wait_up(f"http://127.0.0.1:{PORTS[name]}/api/v1/videos?limit=1", server)
        issuer = TokenIssuer.from_settings(Settings(_env_file=None, secret_key=SECRET))
        token = issuer.issue(str(ACCOUNT), "access", role="parent", ttl_seconds=3600)
        auth = f"Authorization: Bearer {token}"
        family_tokens: dict[uuid.UUID, str] = {}

        def token_for(account: uuid.UUID) -> str:
            if account not in family_tokens:
                family_tokens[account] = issuer.issue(
                    str(account), "access", role="parent", ttl_seconds=3600
                )
            return family_tokens[account]

        explorer_tokens: dict[uuid.UUID, str] = {}

        def explorer_token_for(account: uuid.UUID, profile: uuid.UUID) -> str:
            if profile not in explorer_tokens:
                explorer_tokens[profile] = issuer.issue(
                    str(account), "explorer", ttl_seconds=3600, profile=str(profile)
                )
            return explorer_tokens[profile]

        def get_json(server: str, path: str) -> Any:
            response = httpx.get(
                f"http://127.0.0.1:{PORTS[server]}{path}",
                headers={"Authorization": f"Bearer {token}"},
            )
            response.raise_for_status()
            return response.json()

        ctx = Context(
            facts={"theme": MAIN_THEME, "port": PORTS},
            token=token,
            get_json=get_json,
            token_for=token_for,
            explorer_token_for=explorer_token_for,
            dsn_of=lambda server: db_of.get(server),
        )
        if "constant" in used:
            list_path = f"/api/v1/videos?theme={MAIN_THEME}&limit=20"
            body = httpx.get(f"http://127.0.0.1:{PORTS['cached']}{list_path}").content
            servers["constant"] = serve(
                "bench.constant:app", PORTS["constant"], {"CONSTANT_BODY": body.decode()}
            )
            wait_up(f"http://127.0.0.1:{PORTS['constant']}/api/v1/videos", servers["constant"])

        def target(side: Side) -> Target:
            call = side.call(ctx)
            own = any(h.lower().startswith("authorization:") for h in call.headers)
            if call.plan is None and not own:  # else the requests carry their own tokens
                call = Call(call.path, call.method, call.body, (*call.headers, auth))
            return Target(
                f"http://127.0.0.1:{PORTS[side.server]}{call.path}",
                call,
                servers[side.server].pid,
                db_of.get(side.server),
                side.server,
            )

        plan = [(s, target(s.app), target(s.ref)) for s in scenarios]
        for scenario, app, ref in plan:
            if scenario.check is not None:
                scenario.check(ctx, scenario.app.server, scenario.ref.server)
            elif scenario.same_json:
                _same_json(scenario, app, ref)
        # Unmeasured: every server fills its pool and prepares its statements on each of
        # those connections before the first round, so no scenario pays for the start.
        warmed: set[tuple[str, str]] = set()
        for _, *sides in plan:
            for side in sides:
                if (side.url, side.call.method) not in warmed:
                    warmed.add((side.url, side.call.method))
                    drive(side, 64, mode.warmup, 0)
        print(
            f"measuring {len(plan)} scenarios, {mode.rounds} round(s) of {mode.seconds:g} s ...",
            flush=True,
        )
        results = []
        for scenario, app, ref in plan:
            results.append(measure(scenario, app, ref, mode, ctx))
            print(f"  {scenario.name}: {results[-1]['ratio'] or 0:.2f}", flush=True)
        memory = _memory(results, mode)
        derived = _derived(results)
        streams = None
        if with_stream:

            def start_stream(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
                servers["stream"] = serve("main:app", PORTS["stream"], env)
                base = f"http://127.0.0.1:{PORTS['stream']}"
                wait_up(f"{base}/api/v1/videos?limit=1", servers["stream"])
                return servers["stream"], base

            dsn = progress_dsn["large"]
            streams = run_stream(ctx, dsn, app_env(dsn), start_stream, ROOT)
            servers.pop("stream", None)
        report = {
            "mode": mode.name,
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "commit": _commit(),
            "rounds": mode.rounds,
            "seconds": mode.seconds,
            "datasets": {"main_videos": mode.main_videos, "large_videos": mode.large_videos},
            "cpus": os.cpu_count(),
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
            "duration_s": round(time.monotonic() - started),
            "scenarios": results,
            "derived": derived,
            "stream": streams,
            "memory": memory,
        }
        print(render(report))
        _write(report)
        return 0
    finally:
        for server in servers.values():
            server.terminate()
        for server in servers.values():
            server.wait(10)
        if embedded is not None:
            # Another run (or engineer) may be using a server this run did not start.
            embedded.stop_if_started_here()


def _same_json(scenario: Scenario, app: Target, ref: Target) -> None:
    """Both sides must answer the same JSON (parsed), or the ratio means nothing."""
    answers = []
    for side in (app, ref):
        headers = dict(h.split(": ", 1) for h in side.call.headers)
        response = httpx.request(
            side.call.method, side.url, headers=headers, content=side.call.body or None
        )
        answers.append((response.status_code, response.json()))
    if answers[0] != answers[1]:
        raise SystemExit(
            f"{scenario.name}: the reference answers other JSON than the app "
            f"({answers[0][0]} vs {answers[1][0]}; first difference at "
            f"{_difference(answers[0][1], answers[1][1], '$')}); fix the floor before measuring"
        )


def _difference(a: Any, b: Any, at: str) -> str:
    """Where two parsed JSON documents first differ, as a path: `$.rows[0].theme.id: ...`."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(a.keys() | b.keys()):
            if a.get(key, "<missing>") != b.get(key, "<missing>"):
                return _difference(a.get(key, "<missing>"), b.get(key, "<missing>"), f"{at}.{key}")
    elif isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            if x != y:
                return _difference(x, y, f"{at}[{i}]")
        return f"{at}: {len(a)} items vs {len(b)}"
    return f"{at}: app {a!r:.80} vs reference {b!r:.80}"


def _derived(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A ratio of two scenarios' ratios (e.g. the heartbeat's on the large table over the
    same on the small one), when both were measured."""
    by_name = {r["name"]: r for r in results}
    out = []
    for name, of, over, target in DERIVED:
        a, b = by_name.get(of), by_name.get(over)
        if a is None or b is None or not a["ratio"] or not b["ratio"]:
            continue
        ratio = a["ratio"] / b["ratio"]
        out.append(
            {
                "name": name,
                "of": of,
                "over": over,
                "ratio": ratio,
                "target": target,
                "held": ratio >= target,
            }
        )
    return out


def _memory(results: list[dict[str, Any]], mode: Mode) -> dict[str, Any]:
    """The app's peak resident memory on the large data set, against the limit: one
    instance must fit Cloud Run's default 512 MiB with room for a burst."""
    peaks = [
        side["peak_rss_mib"]
        for r in results
        for side in (r["app"], r["ref"])
        if side["server"] == "large" and side["peak_rss_mib"] is not None
    ]
    peak = max(peaks) if peaks else None
    applies = mode.large_videos >= 200_000
    return {
        "videos": mode.large_videos,
        "peak_rss_mib": peak,
        "limit_mib": MEMORY_LIMIT_MIB if applies else None,
        "held": (peak is not None and peak < MEMORY_LIMIT_MIB) if applies else None,
    }


def _commit() -> str | None:
    try:
        return (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
            ).stdout.strip()
            or None
        )
    except OSError:
        return None


def _write(report: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    latest = RESULTS / "latest.json"
    if latest.exists():
        shutil.copyfile(latest, RESULTS / "previous.json")
    latest.write_text(json.dumps(report, indent=1) + "\n")
    print(f"\nwritten: {latest.relative_to(ROOT)}")


# --- the table ----------------------------------------------------------------------------


def _f(value: float | None, spec: str) -> str:
    width = int(spec.split(".")[0] or 0)
    return "-".rjust(width) if value is None else format(value, spec)


def render(report: dict[str, Any]) -> str:
    m = report["datasets"]
    before, after = report["load_average_before"][0], report["load_average_after"][0]
    lines = [
        f"\n{report['mode']} run, {report['rounds']} round(s) of {report['seconds']:g} s; "
        f"data sets of {m['main_videos']:,} (main) and {m['large_videos']:,} (large) videos; "
        f"load average {before:.2f} before, {after:.2f} after\n",
        f"{'':31} {'':14} {'CPU ms / 1k req':>15}  {'ratio':>7}  {'target':>7}  {'':6}"
        f" | {'req/s':>10} | {'p50 ms':>10} | {'p99 ms':>10} | {'peak MiB':>9}",
        f"{'scenario':31} {'against':14} {'app':>7} {'ref':>7}  {'ref/app':>7}  {'':>7}  {'':6}"
        f" | {'app':>5} {'xref':>4} | {'app':>5} {'xref':>4} | {'app':>5} {'xref':>4} "
        f"| {'app':>4} {'ref':>4}",
    ]
    for r in report["scenarios"]:
        a, f = r["app"], r["ref"]
        held = {True: "held", False: "MISSED", None: ""}[r["held"]]
        target = f">= {r['target']:.2f}" if r["target"] is not None else "-"
        name = f"{r['name']} ({r['clients']})" + (" +db" if a["db_included"] else "")
        errors = a["errors"] + f["errors"]
        lines.append(
            f"{name:31} {r['against']:14} "
            f"{_f(a['cpu_ms_per_1k'], '7.0f')} {_f(f['cpu_ms_per_1k'], '7.0f')}  "
            f"{_f(r['ratio'], '7.2f')}  {target:>7}  {held:6}"
            f" | {a['rps']:5.0f} {_f(r['rps_ratio'], '4.2f')} "
            f"| {a['p50_ms']:5.1f} {_f(r['p50_ratio'], '4.2f')} "
            f"| {a['p99_ms']:5.1f} {_f(r['p99_ratio'], '4.2f')} "
            f"| {_f(a['peak_rss_mib'], '4.0f')} {_f(f['peak_rss_mib'], '4.0f')}"
            + (f"  ({errors} errors)" if errors else "")
        )
    for d in report.get("derived", []):
        held = "held" if d["held"] else "MISSED"
        lines.append(
            f"{d['name']:31} {'':14} {'':7} {'':7}  {d['ratio']:7.2f}  "
            f"{'>= ' + format(d['target'], '.2f'):>7}  {held:6}"
        )
    if report.get("stream"):
        lines.append("\n" + render_stream(report["stream"]))
    mem = report["memory"]
    if mem["peak_rss_mib"] is not None:
        held = {True: "held", False: "MISSED", None: "(reported)"}[mem["held"]]
        limit = f"< {mem['limit_mib']} MiB" if mem["limit_mib"] else ""
        lines.append(
            f"\npeak resident memory of the app with {mem['videos']:,} videos: "
            f"{mem['peak_rss_mib']:.0f} MiB  {limit}  {held}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
