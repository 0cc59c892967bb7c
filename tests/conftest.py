"""Test fixtures: one migrated PostgreSQL database per run and per xdist worker (on one
embedded server unless TEST_DATABASE_URL is set), each test inside a transaction that is
rolled back, one app per session over an async httpx client with the test's runtime swapped
in, and real local peers (SMTP, Google certificates)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

os.environ["ENV"] = "test"

from app.bootstrap import build_runtime, migrate
from app.core.config import Settings
from app.core.db import Database, create_engine, metadata
from app.core.embedded_pg import EmbeddedPostgres, start_embedded_postgres
from app.integrations.google_tokens import GoogleTokenVerifier
from app.runtime import Runtime
from tests.support.app import app_with, client_for
from tests.support.google_keys import CertsServer, GoogleSigner
from tests.support.smtp import SmtpServer

ROOT = Path(__file__).resolve().parent.parent
# Under pytest-xdist each worker is its own session: its own database on the shared server.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
WORKER_INDEX = int(WORKER.removeprefix("gw") or 0)


def _redis_url() -> str | None:
    """The given Redis database, or under xdist one per worker counting down from it (the
    suite flushes its database, so workers must not share one)."""
    given = os.environ.get("REDIS_URL")
    if not given or not WORKER_INDEX:
        return given
    base, _, number = given.rstrip("/").rpartition("/")
    return f"{base}/{int(number or 0) - WORKER_INDEX}"


REDIS_URL = _redis_url()
_embedded: list[EmbeddedPostgres] = []


def pytest_configure(config: pytest.Config) -> None:
    """Without TEST_DATABASE_URL, one embedded server for the whole run: started here, in
    the process that starts the xdist workers (or runs the tests), which inherit its URL."""
    if os.environ.get("TEST_DATABASE_URL") or hasattr(config, "workerinput"):
        return
    embedded = start_embedded_postgres(ROOT / ".data" / "test-postgres", "postgres")
    _embedded.append(embedded)
    os.environ["TEST_DATABASE_URL"] = embedded.url("postgres")


def pytest_unconfigure(config: pytest.Config) -> None:
    while _embedded:
        _embedded.pop().stop()
        os.environ.pop("TEST_DATABASE_URL", None)


def _asyncpg_dsn(url: str) -> dict[str, Any]:
    parsed = make_url(url)
    return {
        "user": parsed.username,
        "password": parsed.password,
        "host": parsed.query.get("host") or parsed.host,
        "port": parsed.port,
        "database": parsed.database,
    }


@pytest.fixture(scope="session")
def server_url() -> str:
    """A database URL on the server under test (any database; a fresh one is made from it)."""
    given = os.environ["TEST_DATABASE_URL"]
    return make_url(given).set(drivername="postgresql+asyncpg").render_as_string(False)


@pytest.fixture(scope="session")
def database_url(server_url: str) -> Iterator[str]:
    name = f"ws_test_{uuid.uuid4().hex[:12]}{WORKER}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(**_asyncpg_dsn(server_url))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(False)
    migrate(url)
    yield url
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def google_signer() -> GoogleSigner:
    return GoogleSigner()


@pytest.fixture(scope="session")
def google_certs(google_signer: GoogleSigner) -> Iterator[CertsServer]:
    server = CertsServer(google_signer)
    yield server
    server.close()


def make_settings(database_url: str, smtp_port: int, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "env": "test",
        "database_url": database_url,
        "redis_url": REDIS_URL,
        "email_backend": "smtp",
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp_port,
        "base_url": "http://testserver",
        "tasks_service_account_email": "tasks@wonderspaced-test.iam.gserviceaccount.com",
        "seed_demo_content": False,
        # The demo's generated media, made once per machine rather than once per test.
        "demo_media_cache": ROOT / ".data" / "test-demo-media",
        "db_pool_size": 5,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def settings(
    database_url: str, smtp_server: SmtpServer, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    return make_settings(database_url, smtp_server.port, data_dir=tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    assert settings.database_url
    engine = create_engine(settings, settings.database_url)
    yield engine
    await engine.dispose()


async def make_runtime(settings: Settings, db: Database, google_certs: CertsServer) -> Runtime:
    """The production runtime (app.bootstrap.build_runtime) on the test's database, with
    Google's certificates from the local server and an empty cache."""
    runtime = build_runtime(settings, db=db, google_tokens=GoogleTokenVerifier(google_certs.url))
    await runtime.cache.clear()
    return runtime


@pytest.fixture
async def runtime(
    settings: Settings, engine: AsyncEngine, google_certs: CertsServer, smtp_server: SmtpServer
) -> AsyncIterator[Runtime]:
    """A runtime whose every session joins one transaction, rolled back after the test."""
    smtp_server.clear()
    async with engine.connect() as conn:
        transaction = await conn.begin()
        runtime = await make_runtime(settings, Database(engine, bind=conn), google_certs)
        try:
            yield runtime
        finally:
            await runtime.tasks.stop()
            await runtime.google_tokens.aclose()
            if transaction.is_active:
                await transaction.rollback()


@pytest.fixture(scope="session")
def asgi_app(settings: Settings) -> FastAPI:
    """The app, built once: `client` swaps each test's runtime in."""
    return app_with(settings)


@pytest.fixture(scope="session")
def live_asgi_app(settings: Settings) -> FastAPI:
    """A second app for `live_client`, so a test may use both clients."""
    return app_with(settings)


@pytest.fixture
async def client(asgi_app: FastAPI, runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(asgi_app, runtime) as client:
        yield client


@pytest.fixture(scope="module")
def routes_app(request: pytest.FixtureRequest, settings: Settings) -> FastAPI:
    """The app plus the test module's own `routes` (an APIRouter), built once per module."""
    return app_with(settings, request.module.routes)


@pytest.fixture
async def routes_client(routes_app: FastAPI, runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(routes_app, runtime) as client:
        yield client


@pytest.fixture
def redis_url() -> str:
    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set")
    return REDIS_URL


@pytest.fixture
async def live_runtime(
    settings: Settings, engine: AsyncEngine, google_certs: CertsServer, smtp_server: SmtpServer
) -> AsyncIterator[Runtime]:
    """A runtime that really commits (for background workers and concurrency); every table
    is emptied afterwards."""
    smtp_server.clear()
    runtime = await make_runtime(settings, Database(engine), google_certs)
    try:
        yield runtime
    finally:
        await runtime.tasks.stop()
        await runtime.google_tokens.aclose()
        tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} CASCADE"))


@pytest.fixture
async def live_client(
    live_asgi_app: FastAPI, live_runtime: Runtime
) -> AsyncIterator[httpx.AsyncClient]:
    """The app on a runtime that really commits: for flows whose writes must outlive a
    request that fails (each on its own connection, as in production)."""
    async with client_for(live_asgi_app, live_runtime) as client:
        yield client
