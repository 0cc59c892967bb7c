"""The fault suite's own servers: a PostgreSQL and a Redis it starts, stops, freezes and
restarts itself, under the API as its container runs it (the Dockerfile's command line), with
a steady load of writes from a few clients. Run by `make faults` (and CI), not `make test`:
each scenario takes tens of seconds."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import psutil
import pytest

from app.bootstrap import migrate
from tests.support.container import ContainerServer
from tests.support.net import free_port
from tests.support.own_postgres import OwnPostgres

# Short deadlines, so that an outage shows within a scenario's seconds.
STATEMENT_TIMEOUT = 2.0
POOL_TIMEOUT = 2.0
# What no answer may take, whatever the fault: the deadlines, a connect, and a loaded machine.
LONGEST_ANSWER = STATEMENT_TIMEOUT + 1 + POOL_TIMEOUT + 3


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Called with every item of the run, not only this folder's.
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.faults)


@pytest.fixture(scope="module")
def postgres() -> Iterator[OwnPostgres]:
    # Not under pytest's private temp directory: the server may run as another system user.
    with tempfile.TemporaryDirectory(prefix="ws-faults-") as directory:
        own = OwnPostgres(Path(directory) / "pgdata")
        migrate(own.start())
        yield own
        own.stop()


def postgres_processes(own: OwnPostgres) -> list[psutil.Process]:
    """The postmaster of `own` and every backend and helper it runs."""
    pid = int((own.pgdata / "postmaster.pid").read_text().splitlines()[0])
    postmaster = psutil.Process(pid)
    return [postmaster, *postmaster.children(recursive=True)]


class Redis:
    """A redis-server of the test's own (the machine's binary; CI installs it)."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed: the fault suite starts its own Redis")
        self.port = free_port()
        self.command = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture(scope="module")
def redis() -> Iterator[Redis]:
    own = Redis()
    own.start()
    yield own
    own.stop()


def _server(
    postgres: OwnPostgres, redis: Redis, tmp_path: Path, statement_timeout: float
) -> ContainerServer:
    return ContainerServer(
        tmp_path / "server.log",
        DATABASE_URL=postgres.url,
        REDIS_URL=redis.url,
        DATA_DIR=str(tmp_path),
        SEED_DEMO_CONTENT="false",
        DB_POOL_TIMEOUT=str(POOL_TIMEOUT),
        DB_STATEMENT_TIMEOUT=str(statement_timeout),
        RATE_LIMIT_PER_MINUTE="1000000",
        MAX_PROFILES_PER_ACCOUNT="20",
        LOG_LEVEL="INFO",
    )


@pytest.fixture
def server(postgres: OwnPostgres, redis: Redis, tmp_path: Path) -> Iterator[ContainerServer]:
    api = _server(postgres, redis, tmp_path, STATEMENT_TIMEOUT)
    api.start()
    yield api
    api.stop()


@pytest.fixture
def patient_server(
    postgres: OwnPostgres, redis: Redis, tmp_path: Path
) -> Iterator[ContainerServer]:
    """Statements may wait longer than the server's grace period at shutdown."""
    api = _server(postgres, redis, tmp_path, 30)
    api.start()
    yield api
    api.stop()


# --- the load -------------------------------------------------------------------------------


@dataclass
class Family:
    token: str
    profile_id: str
    video_id: str


@dataclass
class Outcome:
    """Every answer of a scenario, and what the server acknowledged writing."""

    statuses: list[int] = field(default_factory=list)
    slowest: float = 0.0
    # Nicknames of explorers created with 201.
    created: list[str] = field(default_factory=list)
    # (profile, video) -> the latest sent_at of a heartbeat answered 200.
    heartbeats: dict[tuple[str, str], str] = field(default_factory=dict)
    hangs: int = 0


async def families(postgres: OwnPostgres, server: ContainerServer, count: int) -> list[Family]:
    """Parents with one explorer each and a published video, made through the API's own
    sign-in (the accounts inserted as verified, with the test hasher's parameters)."""
    os.environ.setdefault("ENV", "test")
    from app.core.hashing import hash_password

    password = "correct horse battery staple for the fault suite"
    conn = await asyncpg.connect(postgres.url.replace("postgresql+asyncpg", "postgresql"))
    try:
        theme = await conn.fetchval(
            "INSERT INTO theme (id, kind, slug, title, description, colour, sort_order) "
            "VALUES (gen_random_uuid(), 'video', $1, 'Faults', '', '#ffb300', 0) RETURNING id",
            f"faults-{uuid.uuid4().hex[:8]}",
        )
        media = await conn.fetchval(
            "INSERT INTO media_asset (id, key, kind, content_type, size_bytes, filename, "
            "status, duration_ms, width, height, processed_at) VALUES (gen_random_uuid(), $1, "
            "'video', 'video/mp4', 1000, 'drums.mp4', 'ready', 600000, 640, 360, now()) "
            "RETURNING id",
            f"video/faults-{uuid.uuid4().hex}.mp4",
        )
        video = await conn.fetchval(
            "INSERT INTO video (id, theme_id, title, description, status, published_at, "
            "age_min, age_max, language, tags, sort_order, duration_ms, category, "
            "media_asset_id) VALUES (gen_random_uuid(), $1, 'Fault drums', '', 'published', "
            "now(), 3, 12, 'en', '{}', 0, 600000, 'music', $2) RETURNING id",
            theme,
            media,
        )
        made = []
        for n in range(count):
            email = f"fault-{uuid.uuid4().hex[:10]}-{n}@example.com"
            await conn.execute(
                "INSERT INTO account (id, email, password_hash, role, email_verified_at) "
                "VALUES (gen_random_uuid(), $1, $2, 'parent', now())",
                email,
                await hash_password(password),
            )
            async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
                tokens = (
                    await http.post(
                        "/api/v1/auth/login", json={"email": email, "password": password}
                    )
                ).json()
                auth = {"Authorization": f"Bearer {tokens['access_token']}"}
                notice = (await http.get("/api/v1/privacy-notice")).json()
                await http.post(
                    "/api/v1/accounts/me/consent",
                    json={"notice_version": notice["version"]},
                    headers=auth,
                )
                explorer = await http.post(
                    "/api/v1/profiles",
                    json={"nickname": f"Kofi{n}", "age_band": "6-8"},
                    headers=auth,
                )
                assert explorer.status_code == 201, explorer.text
            made.append(Family(tokens["access_token"], explorer.json()["id"], str(video)))
        return made
    finally:
        await conn.close()


async def load(server: ContainerServer, families: list[Family], stop: asyncio.Event) -> Outcome:
    """Until `stop`: each family's client sends heartbeats (one second of play each, a second
    apart on its own clock), creates an explorer now and then, and reads the catalogue."""
    outcome = Outcome()
    started = time.time() - 3600
    run = uuid.uuid4().hex[:4]  # explorers' nicknames are this scenario's own

    async def client(family: Family, n: int) -> None:
        auth = {"Authorization": f"Bearer {family.token}"}
        beat = 0
        async with httpx.AsyncClient(base_url=server.url, timeout=LONGEST_ANSWER + 5) as http:
            while not stop.is_set():
                beat += 1
                sent_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started + beat))
                position = (beat * 1000) % 590_000
                requests = [
                    (
                        "PUT",
                        f"/api/v1/profiles/{family.profile_id}/progress/video/{family.video_id}",
                        {
                            "position_ms": position,
                            "watched": [[position, position + 1000]],
                            "sent_at": sent_at,
                        },
                        ("beat", sent_at),
                    ),
                    ("GET", "/api/v1/videos", None, None),
                ]
                # A family may hold MAX_PROFILES_PER_ACCOUNT explorers (20 here).
                if beat % 10 == 0 and beat // 10 < 19:
                    nickname = f"F{run}{n}x{beat}"
                    body = {"nickname": nickname, "age_band": "3-5"}
                    requests.append(("POST", "/api/v1/profiles", body, ("explorer", nickname)))
                for method, path, body, write in requests:
                    began = time.monotonic()
                    try:
                        response = await http.request(method, path, json=body, headers=auth)
                    except httpx.TimeoutException:
                        outcome.hangs += 1
                        continue
                    except httpx.TransportError:
                        continue  # the server itself is going away (a SIGTERM scenario)
                    outcome.slowest = max(outcome.slowest, time.monotonic() - began)
                    outcome.statuses.append(response.status_code)
                    if write and response.status_code in (200, 201):
                        if write[0] == "beat":
                            key = (family.profile_id, family.video_id)
                            outcome.heartbeats[key] = write[1]
                        else:
                            outcome.created.append(write[1])
                await asyncio.sleep(0.05)

    await asyncio.gather(*(client(family, n) for n, family in enumerate(families)))
    return outcome


async def check_kept_exactly_once(postgres: OwnPostgres, outcome: Outcome) -> None:
    """Every write the server acknowledged is in the database, once; no answer was a 500 and
    none hung."""
    assert outcome.hangs == 0, "a request waited past every deadline"
    assert 500 not in outcome.statuses, sorted(set(outcome.statuses))
    assert set(outcome.statuses) <= {200, 201, 503}, sorted(set(outcome.statuses))
    conn = await asyncpg.connect(postgres.url.replace("postgresql+asyncpg", "postgresql"))
    try:
        counts = dict(
            await conn.fetch(
                "SELECT nickname, count(*) FROM profile WHERE nickname = ANY($1) GROUP BY 1",
                outcome.created,
            )
        )
        assert all(counts.get(name) == 1 for name in outcome.created), counts
        for (profile, video), sent_at in outcome.heartbeats.items():
            stored = await conn.fetchval(
                "SELECT to_char(sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
                "FROM progress WHERE profile_id = $1 AND item_id = $2",
                uuid.UUID(profile),
                uuid.UUID(video),
            )
            assert stored is not None, (profile, video)
            assert stored >= sent_at, (stored, sent_at)
    finally:
        await conn.close()


@pytest.fixture
async def steady_load(
    postgres: OwnPostgres, server: ContainerServer
) -> AsyncIterator[tuple[asyncio.Event, asyncio.Task[Outcome]]]:
    made = await families(postgres, server, 4)
    stop = asyncio.Event()
    running = asyncio.create_task(load(server, made, stop))
    await asyncio.sleep(1.5)  # the load is under way before the fault
    yield stop, running
    stop.set()
    await asyncio.wait_for(running, LONGEST_ANSWER + 10)


def signal_all(processes: list[psutil.Process], signum: signal.Signals) -> None:
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.send_signal(signum)
