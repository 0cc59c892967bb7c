"""One transaction per request: committed before the response, rolled back on error, and a
failing commit never answers 200."""

from __future__ import annotations

import asyncio

import asyncpg
import httpx
import pytest
import sqlalchemy as sa
from fastapi import APIRouter, Depends
from sqlalchemy.engine import make_url

from app.accounts.models import Account
from app.api import create_app
from app.core.config import Settings
from app.core.db import Database, SessionDep, create_engine
from app.core.errors import DatabaseUnavailable
from app.core.ratelimit import Limit, rate_limit
from app.runtime import Runtime

routes = APIRouter(prefix="/test")


@routes.post("/accounts")
async def add(session: SessionDep, email: str, fail: bool = False) -> dict[str, str]:
    session.add(Account(email=email))
    await session.flush()
    if fail:
        raise ValueError("something after the write failed")
    return {"email": email}


@routes.post("/accounts/deferred")
async def add_without_flush(session: SessionDep, email: str) -> dict[str, str]:
    # Not flushed: the unique violation surfaces only when the request commits.
    session.add(Account(email=email))
    return {"email": email}


@routes.get("/limited", dependencies=[Depends(rate_limit("test", Limit(3, 60)))])
async def limited() -> dict[str, bool]:
    return {"ok": True}


@pytest.fixture
def app_client(routes_client: httpx.AsyncClient) -> httpx.AsyncClient:
    return routes_client


async def _emails(runtime: Runtime) -> list[str]:
    async with runtime.db.session() as session:
        return list((await session.execute(sa.select(Account.email))).scalars())


async def test_request_writes_are_committed(
    runtime: Runtime, app_client: httpx.AsyncClient
) -> None:
    response = await app_client.post("/test/accounts", params={"email": "a@example.com"})
    assert response.status_code == 200
    assert await _emails(runtime) == ["a@example.com"]


async def test_error_rolls_back_everything(runtime: Runtime, app_client: httpx.AsyncClient) -> None:
    response = await app_client.post(
        "/test/accounts", params={"email": "b@example.com", "fail": True}
    )
    assert response.status_code == 500
    assert await _emails(runtime) == []


async def test_failing_commit_is_an_error_not_a_200(
    runtime: Runtime, app_client: httpx.AsyncClient
) -> None:
    ok = await app_client.post("/test/accounts/deferred", params={"email": "c@example.com"})
    assert ok.status_code == 200
    clash = await app_client.post("/test/accounts/deferred", params={"email": "C@example.com"})
    assert clash.status_code == 500
    assert clash.headers["content-type"] == "application/problem+json"
    assert await _emails(runtime) == ["c@example.com"]


async def test_rate_limited_route_answers_429_with_retry_after(
    app_client: httpx.AsyncClient,
) -> None:
    for _ in range(3):
        assert (await app_client.get("/test/limited")).status_code == 200
    refused = await app_client.get("/test/limited")
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused.headers["retry-after"]) <= 60


async def test_raw_asyncpg_connection_for_hot_paths(runtime: Runtime) -> None:
    async with runtime.db.session() as session:
        session.add(Account(email="raw@example.com"))
    async with runtime.db.raw_connection() as conn:
        emails = await conn.fetch("SELECT email FROM account WHERE email = $1", "raw@example.com")
    assert [row["email"] for row in emails] == ["raw@example.com"]


async def test_cors_preflight_allows_configured_origins_only(runtime: Runtime) -> None:
    settings = runtime.settings.model_copy(
        update={"cors_origins": ["https://app.wonderspaced.app"]}
    )
    app = create_app(runtime=runtime, settings=settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        allowed = await client.options(
            "/health/live",
            headers={
                "Origin": "https://app.wonderspaced.app",
                "Access-Control-Request-Method": "GET",
            },
        )
        refused = await client.options(
            "/health/live",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://app.wonderspaced.app"
    assert "access-control-allow-origin" not in refused.headers


async def test_every_api_route_has_a_per_ip_budget(runtime: Runtime) -> None:
    settings = runtime.settings.model_copy(update={"rate_limit_per_minute": 3})
    transport = httpx.ASGITransport(app=create_app(runtime=runtime, settings=settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        statuses = [(await client.get("/api/v1/privacy-notice")).status_code for _ in range(4)]
        refused = await client.get("/api/v1/themes")
        health = await client.get("/health/live")
    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert int(refused.headers["retry-after"]) >= 1
    assert health.status_code == 200  # only /api/v1 is budgeted


async def test_a_unit_of_work_holds_one_connection_for_statements_and_session(
    settings: Settings,
) -> None:
    """A request's plain statements and its ORM session run on one connection of the one
    pool, which goes back to the pool when the unit finishes."""
    assert settings.database_url
    db = Database(create_engine(settings, settings.database_url))
    try:
        work = db.work()
        conn = await work.connection()
        first = await conn.fetchval("SELECT pg_backend_pid()")
        session = await work.session()
        assert await session.scalar(sa.text("SELECT pg_backend_pid()")) == first
        assert await work.connection() is conn
        assert db.engine.pool.checkedout() == 1  # type: ignore[attr-defined]
        await work.finish(None)
        assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    finally:
        await db.dispose()


async def test_a_unit_of_work_commits_once_or_not_at_all(settings: Settings) -> None:
    """Writes in the unit's transaction land when it finishes without an error, and never
    when it finishes with one; a transaction left open on a released connection is rolled
    back, never handed to the next request."""
    assert settings.database_url
    db = Database(create_engine(settings, settings.database_url))
    emails = ["kept@example.com", "dropped@example.com", "left-open@example.com"]
    try:
        work = db.work()
        conn = await work.transaction()
        await conn.execute(
            "INSERT INTO account (id, email, role) VALUES (gen_random_uuid(), $1, 'parent')",
            emails[0],
        )
        await work.finish(None)
        work = db.work()
        conn = await work.transaction()
        await conn.execute(
            "INSERT INTO account (id, email, role) VALUES (gen_random_uuid(), $1, 'parent')",
            emails[1],
        )
        await work.finish(ValueError("the route failed after its write"))
        async with db.raw_connection() as raw:
            await raw.execute("BEGIN")
            await raw.execute(
                "INSERT INTO account (id, email, role) VALUES (gen_random_uuid(), $1, 'parent')",
                emails[2],
            )
        async with db.raw_connection() as raw:
            assert not raw.is_in_transaction()
            found = await raw.fetch("SELECT email FROM account WHERE email = ANY($1)", emails)
        assert [row["email"] for row in found] == [emails[0]]
    finally:
        async with db.raw_connection() as raw:
            await raw.execute("DELETE FROM account WHERE email = ANY($1)", emails)
        await db.dispose()


async def test_the_pools_of_an_instance_share_one_budget(settings: Settings) -> None:
    """Sessions, plain connections and the revocation reads all come from the engine's pool:
    at most DB_POOL_SIZE + DB_MAX_OVERFLOW connections, whatever takes them."""
    assert settings.database_url
    small = settings.model_copy(
        update={"db_pool_size": 2, "db_max_overflow": 1, "db_pool_timeout": 1}
    )
    db = Database(create_engine(small, settings.database_url))
    try:
        works = [db.work(), db.work(), db.work()]
        await works[0].connection()
        await works[1].session()
        await (await works[1].session()).execute(sa.text("SELECT 1"))
        await works[2].connection()
        with pytest.raises(DatabaseUnavailable):
            async with db.raw_connection():
                pass
        for work in works:
            await work.finish(None)
        async with db.raw_connection() as raw:
            assert await raw.fetchval("SELECT 1") == 1
    finally:
        await db.dispose()


async def test_a_connection_the_server_closed_is_replaced_before_a_request_sees_it(
    settings: Settings,
) -> None:
    """No pre-ping round trip: a pooled connection whose backend was terminated (a restart,
    a failover) is dropped at checkout, so the next request still succeeds."""
    assert settings.database_url
    engine = create_engine(settings, settings.database_url)
    db = Database(engine)
    try:
        async with db.sessionmaker() as session:
            victim = await session.scalar(sa.text("SELECT pg_backend_pid()"))
            await session.commit()
        # From outside the pool, as a restart or a failover would.
        outsider = await asyncpg.connect(
            make_url(settings.database_url).set(drivername="postgresql").render_as_string(False)
        )
        try:
            assert await outsider.fetchval("SELECT pg_terminate_backend($1)", victim)
        finally:
            await outsider.close()
        await asyncio.sleep(0.5)  # the event loop hears of the closed socket on its own
        async with db.sessionmaker() as session:
            fresh = await session.scalar(sa.text("SELECT pg_backend_pid()"))
        assert fresh != victim
    finally:
        await db.dispose()
