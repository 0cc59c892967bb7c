"""The FastAPI application: every module's router (from the list of modules, app/modules.py),
the error handlers, and the middleware, each given the parts of the runtime it uses.

One way through the house: every request is answered by a declared route. The middleware
only establish the request's context (client address, request id and access log, security
headers, the caller), refuse what no route may take (a body too large, a NUL, a token in the
URL, a client over its budget), and, for public GETs, answer from the shared HTTP cache what a
route has already answered for the same URL.
"""

from __future__ import annotations

import asyncio
import gc
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from types import FrameType

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware import Middleware

from app.audit import service as audit_service
from app.audit.context import AuditContextMiddleware
from app.auth.middleware import AuthenticationMiddleware
from app.bootstrap import build_runtime
from app.catalog.schemas import ContentKind, PublicationStatus, Sort
from app.core import contract, docs, hashing, telemetry
from app.core.config import Settings, get_settings
from app.core.db import UnitOfWorkMiddleware
from app.core.errors import install_error_handlers
from app.core.input_guard import InputGuardMiddleware
from app.core.logging import configure_logging
from app.core.middleware import (
    BodyLimitMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
    TrustedProxies,
)
from app.core.public_cache import PublicCacheMiddleware
from app.core.ratelimit import Limit, RateLimitMiddleware
from app.jobs.periodic import Ticker
from app.modules import API_PREFIX, mounts
from app.notifications.schemas import STREAM_EVENTS, STREAM_FRAMES
from app.runtime import Runtime
from app.seed import seed

TOKEN_URL = f"{API_PREFIX}/auth/token"


def middleware(runtime: Runtime, settings: Settings) -> list[Middleware]:
    """The middleware of an app configured by `settings` running on `runtime`, outermost
    first: each is given the parts it uses."""
    stack = [
        # Outermost: the request id and the access log wrap everything, 413s and CORS too.
        Middleware(
            RequestContextMiddleware,
            proxies=TrustedProxies(
                settings.trusted_proxy_hops, tuple(settings.trusted_proxy_networks)
            ),
            inflight=runtime.inflight,
        ),
        Middleware(SecurityHeadersMiddleware, hsts=settings.env.value == "prod"),
    ]
    if settings.cors_origins:
        stack.append(
            Middleware(
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
                expose_headers=["ETag", "X-Request-ID", "Retry-After", "Idempotent-Replayed"],
                max_age=600,
            )
        )
    budget = Limit(times=settings.rate_limit_per_minute, seconds=60)
    stack += [
        # Local media uploads stream to disk and check their own signed size limit.
        Middleware(
            BodyLimitMiddleware,
            max_bytes=settings.max_body_bytes,
            exempt_prefixes=("/media/upload/",),
        ),
        Middleware(InputGuardMiddleware),  # NULs and tokens in URLs: a 4xx before any route
        Middleware(
            AuthenticationMiddleware,
            tokens=runtime.tokens,
            revocations=runtime.revocations,
            prefix=API_PREFIX,
        ),
        # Before the per-IP budget: a hit costs less than counting it would.
        Middleware(
            PublicCacheMiddleware,
            cache=runtime.cache,
            prefixes=runtime.registries.public_cache_prefixes,
            ttl=settings.cache_ttl_seconds,
            enabled=settings.catalog_cache,
        ),
        # A per-IP safety net on every API route; sign-in and codes add stricter limits.
        Middleware(
            RateLimitMiddleware,
            limiter=runtime.rate_limiter,
            prefix=API_PREFIX,
            limit=budget,
        ),
        # Marks staff requests for the audit log.
        Middleware(AuditContextMiddleware),
        # Innermost: each request's unit of work committed (or not) before its answer leaves.
        Middleware(UnitOfWorkMiddleware),
    ]
    return stack


def _also_on_sigterm(action: Callable[[], None]) -> None:
    """Runs `action` in this loop when SIGTERM arrives, then hands the signal on to the
    server's own handler (uvicorn's, which stops taking requests and waits for those in
    flight)."""
    loop = asyncio.get_running_loop()
    previous = signal.getsignal(signal.SIGTERM)

    def handler(signum: int, frame: FrameType | None) -> None:
        loop.call_soon_threadsafe(action)
        if callable(previous):
            previous(signum, frame)

    signal.signal(signal.SIGTERM, handler)


def use_runtime(app: FastAPI, runtime: Runtime) -> None:
    """Runs `app` on `runtime`: routes find it through their dependencies, and the middleware
    are built again with its parts for the next request (the suite swaps runtimes per test
    on one app, whose routes are analysed once)."""
    app.state.runtime = runtime
    app.user_middleware = middleware(runtime, app.state.settings)
    app.middleware_stack = None


def create_app(runtime: Runtime | None = None, settings: Settings | None = None) -> FastAPI:
    """Builds the app. Without a runtime, one is built from the settings at start-up
    (DATABASE_URL must then be set: `python main.py` sets it for the embedded server)."""
    settings = settings or (runtime.settings if runtime else get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if runtime is not None:  # the tests' runtime, started and stopped by the tests
            yield
            return
        # Under `uvicorn main:app` (the container) nothing else configured logging.
        configure_logging(settings.log_level, settings.gcp_project)
        # Traces and error reports, when configured (nothing at all otherwise).
        observed = telemetry.install(settings)
        if not settings.database_url:
            raise RuntimeError("DATABASE_URL is not set; start with `python main.py`")
        own = build_runtime(settings)
        use_runtime(app, own)
        # Every password this process checks is hashed with these settings' parameters and
        # bound (a process-wide semaphore: argon2 runs in threads of its own).
        hashing.configure(settings)
        tickers = [
            Ticker(own, tick.name, tick.run, tick.interval(settings))
            for tick in own.registries.ticks
        ]
        await seed(own)
        await own.start()
        _also_on_sigterm(own.begin_shutdown)
        for ticker in tickers:
            ticker.start()
        # Everything loaded so far lives as long as the process. Out of the collector's
        # sight, a full collection no longer walks it: that walk (about 80 ms) stalled
        # every request in flight and was most of the p99 under load.
        gc.freeze()
        try:
            yield
        finally:
            # The server cancelled what outlived its grace period: those requests still say
            # so (a 503) and let go of their connections before the process ends.
            await own.inflight.settle(1.0)
            for ticker in tickers:
                await ticker.stop()
            await own.close()
            if observed is not None:  # the last spans and reports leave
                await asyncio.to_thread(observed.shutdown)

    app = FastAPI(
        title=f"{settings.app_name} API",
        version="1.0.0",
        description="Learning adventures for children: videos, eBooks, DIY and quizzes.",
        lifespan=lifespan,
        # Its request spans only when tracing is configured (see app/core/telemetry.py).
        telemetry=telemetry.fastapi_options(settings),
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
    app.state.settings = settings
    install_error_handlers(app)
    # Staff writes are recorded by a database trigger in the transaction of the write; a
    # session hook hands it the staff member, route and request id.
    audit_service.install()
    # The document and the routing rules every module gets without a line of its own.
    contract.install(
        app,
        [(mount.router, mount.prefix) for mount in mounts()],
        token_url=TOKEN_URL,
        rate_limited_prefix=API_PREFIX,
        database_prefixes=(API_PREFIX, "/internal/", "/r/"),
        shared_enums=(ContentKind, PublicationStatus, Sort),
        extra_models=STREAM_EVENTS,
        extra_schemas=STREAM_FRAMES,
    )
    # Routes are matched in order: each module's routes are declared on the app itself, the
    # hot ones first.
    for mount in mounts():
        contract.declare(app, mount.router, mount.prefix)
    if runtime is not None:
        use_runtime(app, runtime)
    docs.install(app)  # after the API: no request of the API walks past these
    return app
