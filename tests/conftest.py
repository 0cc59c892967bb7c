"""Test fixtures: one migrated PostgreSQL database per run (embedded unless
TEST_DATABASE_URL is set), each test inside a transaction that is rolled back, the app
over an async httpx client, and real local peers (SMTP, Google certificates)."""

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
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

os.environ["ENV"] = "test"

import app.models  # noqa: F401  (every table on the metadata)
from app.api import create_app
from app.bootstrap import migrate
from app.core.cache import create_cache
from app.core.config import Settings
from app.core.db import Database, create_engine, metadata
from app.core.embedded_pg import start_embedded_postgres
from app.integrations.email import create_email_sender
from app.integrations.google_tokens import GoogleTokenVerifier
from app.integrations.storage import create_storage
from app.runtime import Runtime
from tests.support.google_keys import CertsServer, GoogleSigner
from tests.support.smtp import SmtpServer

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("REDIS_URL")


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
def server_url() -> Iterator[str]:
    """A database URL on the server under test (any database; a fresh one is made from it)."""
    given = os.environ.get("TEST_DATABASE_URL")
    if given:
        yield make_url(given).set(drivername="postgresql+asyncpg").render_as_string(False)
        return
    embedded = start_embedded_postgres(ROOT / ".data" / "test-postgres", "postgres")
    yield embedded.url("postgres")
    embedded.stop()


@pytest.fixture(scope="session")
def database_url(server_url: str) -> Iterator[str]:
    name = f"ws_test_{uuid.uuid4().hex[:12]}"

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


async def build_runtime(settings: Settings, db: Database, google_certs: CertsServer) -> Runtime:
    cache = create_cache(settings)
    await cache.clear()
    return Runtime(
        settings=settings,
        db=db,
        cache=cache,
        email=create_email_sender(settings),
        google_tokens=GoogleTokenVerifier(google_certs.url),
        storage=create_storage(settings),
    )


@pytest.fixture
async def runtime(
    settings: Settings, engine: AsyncEngine, google_certs: CertsServer, smtp_server: SmtpServer
) -> AsyncIterator[Runtime]:
    """A runtime whose every session joins one transaction, rolled back after the test."""
    smtp_server.clear()
    async with engine.connect() as conn:
        transaction = await conn.begin()
        runtime = await build_runtime(settings, Database(engine, bind=conn), google_certs)
        try:
            yield runtime
        finally:
            await runtime.tasks.stop()
            await runtime.google_tokens.aclose()
            if transaction.is_active:
                await transaction.rollback()


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(runtime=runtime)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
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
    runtime = await build_runtime(settings, Database(engine), google_certs)
    try:
        yield runtime
    finally:
        await runtime.tasks.stop()
        await runtime.google_tokens.aclose()
        tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} CASCADE"))


@pytest.fixture
async def live_client(live_runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """The app on a runtime that really commits: for flows whose writes must outlive a
    request that fails (each on its own connection, as in production)."""
    app = create_app(runtime=live_runtime)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
