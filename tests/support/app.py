"""The app under test over an async httpx client: the suite's own app, apps with extra test
routes, and an app on a runtime with settings of the test's own.

Building an app costs far more than a test's requests (every route's dependencies are
analysed), so the suite builds each app once and swaps the runtime in per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api import create_app, use_runtime
from app.bootstrap import build_runtime
from app.core.config import Settings
from app.core.db import Database
from app.integrations.google_tokens import GoogleTokenVerifier
from app.runtime import Runtime

BASE_URL = "http://testserver"
# The connection's peer as the app sees it, unless a test says otherwise.
PEER = ("127.0.0.1", 50000)


def app_with(settings: Settings, *routers: APIRouter) -> FastAPI:
    """The real app (no lifespan: the runtime comes from the test) plus test-only routes."""
    app = create_app(settings=settings)
    for router in routers:
        app.include_router(router)
    return app


@asynccontextmanager
async def client_for(
    app: FastAPI, runtime: Runtime, *, client: tuple[str, int] = PEER
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of `app` running on `runtime` (the app's runtime until the next test);
    `client` is the connection's peer as the server sees it (a proxy, behind Cloud Run)."""
    use_runtime(app, runtime)
    transport = httpx.ASGITransport(app=app, client=client)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        yield http


@asynccontextmanager
async def app_client(
    settings: Settings,
    engine: AsyncEngine,
    certs_url: str,
    *,
    client: tuple[str, int] = PEER,
    **overrides: Any,
) -> AsyncIterator[tuple[Runtime, httpx.AsyncClient]]:
    """A new app on a runtime of its own, built from `settings` with `overrides` (a rate
    limit, a proxy setting, a Redis that is down), every session inside one transaction that
    is rolled back afterwards."""
    settings = settings.model_copy(update=overrides)
    async with engine.connect() as conn:
        transaction = await conn.begin()
        runtime = build_runtime(
            settings,
            db=Database(engine, bind=conn),
            google_tokens=GoogleTokenVerifier(certs_url),
        )
        await runtime.cache.clear()
        try:
            async with client_for(app_with(settings), runtime, client=client) as http:
                yield runtime, http
        finally:
            await runtime.tasks.stop()
            await runtime.google_tokens.aclose()
            await transaction.rollback()
