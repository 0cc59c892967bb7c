"""The FastAPI application: middleware, error handlers and every module's router."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

import app.tasks_registry  # noqa: F401  (registers every module's task handlers)
from app.accounts.router import router as accounts_router
from app.auth.router import router as auth_router
from app.avatars.router import router as avatars_router
from app.catalog.admin_router import router as catalog_admin_router
from app.catalog.front import CatalogFrontMiddleware
from app.catalog.router import router as catalog_router
from app.core.config import Settings, get_settings
from app.core.errors import install_error_handlers
from app.core.logging import configure_logging
from app.core.middleware import (
    BodyLimitMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
)
from app.core.ratelimit import Limit, RateLimitMiddleware
from app.health.router import router as health_router
from app.media.local_router import router as local_media_router
from app.media.router import public_router as media_public_router
from app.media.router import router as media_router
from app.outbox.router import router as tasks_router
from app.profiles.router import router as profiles_router
from app.runtime import Runtime
from app.seed import seed

API_PREFIX = "/api/v1"


def api_router() -> APIRouter:
    """Everything under /api/v1 but the public catalogue (see create_app)."""
    router = APIRouter(prefix=API_PREFIX)
    router.include_router(media_public_router)
    router.include_router(profiles_router)
    router.include_router(auth_router)
    router.include_router(accounts_router)
    router.include_router(avatars_router)
    router.include_router(media_router)
    router.include_router(catalog_admin_router)
    return router


def create_app(runtime: Runtime | None = None, settings: Settings | None = None) -> FastAPI:
    """Builds the app. Without a runtime, one is created from the settings at start-up
    (DATABASE_URL must then be set: `python main.py` sets it for the embedded server)."""
    settings = settings or (runtime.settings if runtime else get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = runtime is None
        current = runtime
        if current is None:
            # Under `uvicorn main:app` (the container) nothing else configured logging.
            configure_logging(settings.log_level, settings.gcp_project)
            if not settings.database_url:
                raise RuntimeError("DATABASE_URL is not set; start with `python main.py`")
            current = Runtime.create(settings, settings.database_url)
        app.state.runtime = current
        if own:
            await seed(current.db, settings)
            await current.start()
            # Everything loaded so far lives as long as the process. Out of the collector's
            # sight, a full collection no longer walks it: that walk (about 80 ms) stalled
            # every request in flight and was most of the p99 under load.
            gc.freeze()
        try:
            yield
        finally:
            if own:
                await current.close()

    app = FastAPI(
        title=f"{settings.app_name} API",
        version="1.0.0",
        description="Learning adventures for children: videos, eBooks, DIY and quizzes.",
        lifespan=lifespan,
        swagger_ui_parameters={"persistAuthorization": True},
    )
    if runtime is not None:
        app.state.runtime = runtime
    install_error_handlers(app)
    # Routes are matched in order, and every level of included routers is walked per
    # request: the most-read routes, the public catalogue, come first and one level deep.
    app.include_router(catalog_router, prefix=API_PREFIX)
    app.include_router(api_router())
    app.include_router(health_router)
    app.include_router(tasks_router)
    app.include_router(local_media_router)

    # Added last = outermost: the request id wraps everything, including 413s and CORS.
    # A per-IP safety net on every API route (sign-in and codes add stricter limits); inside
    # the catalogue cache, whose hits cost nothing worth limiting.
    app.add_middleware(
        RateLimitMiddleware,
        prefix=API_PREFIX,
        limit=Limit(times=settings.rate_limit_per_minute, seconds=60),
    )
    # Public catalogue reads: the token checked and cache hits answered before routing.
    app.add_middleware(CatalogFrontMiddleware)
    # Local media uploads stream to disk and check their own signed size limit.
    app.add_middleware(
        BodyLimitMiddleware, max_bytes=settings.max_body_bytes, exempt_prefixes=("/media/upload/",)
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "If-None-Match"],
            expose_headers=["ETag", "X-Request-ID", "Retry-After"],
            max_age=600,
        )
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.env.value == "prod")
    app.add_middleware(RequestContextMiddleware)
    return app
