"""The FastAPI application: middleware, error handlers and every module's router (from the
list of modules, app/modules.py)."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.audit import service as audit_service
from app.audit.context import AuditContextMiddleware
from app.bootstrap import build_runtime
from app.catalog.front import CatalogFrontMiddleware
from app.core import contract, docs
from app.core.config import Settings, get_settings
from app.core.errors import install_error_handlers
from app.core.input_guard import InputGuardMiddleware
from app.core.logging import configure_logging
from app.core.middleware import (
    BodyLimitMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
)
from app.core.ratelimit import Limit, RateLimitMiddleware
from app.jobs.periodic import Ticker
from app.modules import API_PREFIX, front_routes, mounts, ticks
from app.profiles.front import ProfileFrontMiddleware
from app.runtime import Runtime
from app.seed import seed


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
            current = build_runtime(settings)
        app.state.runtime = current
        tickers = [
            Ticker(current, tick.name, tick.run, tick.interval(settings)) for tick in ticks()
        ]
        if own:
            await seed(current.db, settings)
            await current.start()
            for ticker in tickers:
                ticker.start()
            # Everything loaded so far lives as long as the process. Out of the collector's
            # sight, a full collection no longer walks it: that walk (about 80 ms) stalled
            # every request in flight and was most of the p99 under load.
            gc.freeze()
        try:
            yield
        finally:
            if own:
                for ticker in tickers:
                    await ticker.stop()
                await current.close()

    app = FastAPI(
        title=f"{settings.app_name} API",
        version="1.0.0",
        description="Learning adventures for children: videos, eBooks, DIY and quizzes.",
        lifespan=lifespan,
        # `list_videos`, not `list_videos_api_v1_videos_get`: what generated clients call.
        generate_unique_id_function=contract.operation_id,
        # Swagger UI and ReDoc from the app's own files, not FastAPI's CDN: app/core/docs.py.
        docs_url=None,
        redoc_url=None,
        # Production: Swagger UI forgets the token when the tab closes (nothing in localStorage).
        swagger_ui_parameters=None
        if settings.env.value == "prod"
        else {"persistAuthorization": True},
    )
    if runtime is not None:
        app.state.runtime = runtime
    install_error_handlers(app)
    # Staff writes are recorded by session hooks, in the transaction of the write.
    audit_service.install()
    # Routes are matched in order, and every level of included routers is walked per
    # request: each router is mounted on the app itself, one level deep, the most-read ones
    # (the public catalogue) first (see app/modules.py).
    # The document and the routing rules every module gets without a line of its own.
    contract.install(
        app,
        [(mount.router, mount.prefix) for mount in mounts()],
        rate_limited_prefix=API_PREFIX,
        database_prefixes=(API_PREFIX, "/internal/"),
    )
    for mount in mounts():
        app.include_router(mount.router, prefix=mount.prefix)
    docs.install(app)  # after the API: no request of the API walks past these

    # Added last = outermost: the request id wraps everything, including 413s and CORS.
    # Innermost: marks staff requests for the audit log's session hooks.
    app.add_middleware(AuditContextMiddleware)
    # An explorer's heartbeats and quiz answers, answered before routing; inside the budget.
    app.add_middleware(ProfileFrontMiddleware, routes=front_routes())
    # A per-IP safety net on every API route (sign-in and codes add stricter limits); inside
    # the catalogue cache, whose hits cost nothing worth limiting.
    budget = Limit(times=settings.rate_limit_per_minute, seconds=60)
    app.add_middleware(RateLimitMiddleware, prefix=API_PREFIX, limit=budget)
    # Public catalogue reads: the token checked and cache hits answered before routing, and
    # the hottest misses too; they count against the same budget.
    app.add_middleware(CatalogFrontMiddleware, limit=budget)
    app.add_middleware(InputGuardMiddleware)  # NUL bytes: a 4xx before anything reads them
    # Local media uploads stream to disk and check their own signed size limit.
    app.add_middleware(
        BodyLimitMiddleware, max_bytes=settings.max_body_bytes, exempt_prefixes=("/media/upload/",)
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "Idempotency-Key",
                "If-Match",
                "If-None-Match",
                "Last-Event-ID",
            ],
            expose_headers=["ETag", "X-Request-ID", "Retry-After"],
            max_age=600,
        )
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.env.value == "prod")
    app.add_middleware(RequestContextMiddleware)
    return app
