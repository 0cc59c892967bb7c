"""The app under test over an async httpx client, and apps with extra test routes.

Building an app costs far more than a test's requests (every route's dependencies are
analysed), so the suite builds each app once and swaps the runtime in per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import APIRouter, FastAPI

from app.api import create_app
from app.core.config import Settings
from app.runtime import Runtime

BASE_URL = "http://testserver"


def app_with(settings: Settings, *routers: APIRouter) -> FastAPI:
    """The real app (no lifespan: the runtime comes from the test) plus test-only routes."""
    app = create_app(settings=settings)
    for router in routers:
        app.include_router(router)
    return app


@asynccontextmanager
async def client_for(app: FastAPI, runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """A client of `app` running on `runtime` (the app's runtime until the next test)."""
    app.state.runtime = runtime
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
        yield client
