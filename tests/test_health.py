"""Liveness has no dependencies; readiness follows the database (and Redis) down and up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.engine import make_url

from app.api import create_app
from app.core.config import Settings
from app.runtime import Runtime
from tests.support.proxy import Proxy


def _connector(host: str, port: int):
    if host.startswith("/"):
        return lambda: asyncio.open_unix_connection(f"{host}/.s.PGSQL.{port}")
    return lambda: asyncio.open_connection(host, port)


async def _client_for(runtime: Runtime) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(runtime=runtime))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
async def db_proxy(settings: Settings) -> AsyncIterator[tuple[Proxy, str]]:
    assert settings.database_url
    url = make_url(settings.database_url)
    host = url.query.get("host") or url.host or "127.0.0.1"
    proxy = Proxy(_connector(str(host), url.port or 5432))
    await proxy.start()
    proxied = url.set(host="127.0.0.1", port=proxy.port, query={}).render_as_string(False)
    yield proxy, proxied
    await proxy.stop()


async def test_live_answers_without_dependencies(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_ready_checks_the_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


async def test_ready_is_503_while_the_database_is_down_and_recovers(
    settings: Settings, db_proxy: tuple[Proxy, str]
) -> None:
    proxy, url = db_proxy
    runtime = Runtime.create(settings.model_copy(update={"redis_url": None}), url)
    try:
        async with await _client_for(runtime) as client:
            assert (await client.get("/health/ready")).status_code == 200

            await proxy.stop()
            down = await client.get("/health/ready")
            assert down.status_code == 503
            assert down.headers["content-type"] == "application/problem+json"
            assert down.json()["code"] == "dependency_unavailable"
            assert "database" in down.json()["detail"]
            assert (await client.get("/health/live")).status_code == 200

            await proxy.start()
            assert (await client.get("/health/ready")).status_code == 200
    finally:
        await runtime.close()


async def test_ready_is_503_while_redis_is_down_and_recovers(
    settings: Settings, redis_url: str
) -> None:
    url = make_url(redis_url.replace("redis://", "postgresql://", 1))
    proxy = Proxy(lambda: asyncio.open_connection(url.host or "127.0.0.1", url.port or 6379))
    await proxy.start()
    proxied = f"redis://127.0.0.1:{proxy.port}/{url.database or 0}"
    assert settings.database_url
    runtime = Runtime.create(
        settings.model_copy(update={"redis_url": proxied}), settings.database_url
    )
    try:
        async with await _client_for(runtime) as client:
            ready = await client.get("/health/ready")
            assert ready.status_code == 200
            assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}

            await proxy.stop()
            down = await client.get("/health/ready")
            assert down.status_code == 503
            assert "redis" in down.json()["detail"]

            await proxy.start()
            assert (await client.get("/health/ready")).status_code == 200
    finally:
        await proxy.stop()
        await runtime.close()
