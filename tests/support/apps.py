"""The app on a runtime with settings of the test's own (a rate limit, a proxy setting, a
Redis that is down), every session inside one transaction that is rolled back afterwards."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api import create_app
from app.bootstrap import build_runtime
from app.core.config import Settings
from app.core.db import Database
from app.integrations.google_tokens import GoogleTokenVerifier
from app.runtime import Runtime


@contextlib.asynccontextmanager
async def app_client(
    settings: Settings,
    engine: AsyncEngine,
    certs_url: str,
    *,
    client: tuple[str, int] = ("127.0.0.1", 50000),
    **overrides: Any,
) -> AsyncIterator[tuple[Runtime, httpx.AsyncClient]]:
    """`client` is the connection's peer as the server sees it (a proxy, behind Cloud Run)."""
    settings = settings.model_copy(update=overrides)
    async with engine.connect() as conn:
        transaction = await conn.begin()
        runtime = build_runtime(
            settings,
            db=Database(engine, bind=conn),
            google_tokens=GoogleTokenVerifier(certs_url),
        )
        await runtime.cache.clear()
        transport = httpx.ASGITransport(app=create_app(runtime=runtime), client=client)
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                yield runtime, http
        finally:
            await runtime.tasks.stop()
            await runtime.google_tokens.aclose()
            await transaction.rollback()
