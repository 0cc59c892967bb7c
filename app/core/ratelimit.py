"""Fixed-window rate limits on the shared cache: one counter per key and window.

Counters live in the cache backend (Redis when configured), so every instance of the service
counts against the same limit.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from cashews import Cache
from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.errors import TooManyRequests, error_response


@dataclass(frozen=True)
class Limit:
    """`times` requests per `seconds` for one key."""

    times: int
    seconds: int


class RateLimiter:
    def __init__(self, cache: Cache) -> None:
        self.cache = cache

    @staticmethod
    def _counter(scope: str, key: str, limit: Limit) -> str:
        return f"rl:{scope}:{key}:{int(time.time()) // limit.seconds}"

    @staticmethod
    def _refuse(limit: Limit) -> TooManyRequests:
        return TooManyRequests(max(1, limit.seconds - int(time.time()) % limit.seconds))

    async def hit(self, scope: str, key: str, limit: Limit) -> None:
        """Counts one hit; raises 429 with Retry-After once the window is used up."""
        count = await self.cache.incr(self._counter(scope, key, limit), expire=limit.seconds + 1)
        if count > limit.times:
            raise self._refuse(limit)

    async def ensure_allowed(self, scope: str, key: str, limit: Limit) -> None:
        """Raises 429 if the window is used up, without counting (see `record_failure`)."""
        count = await self.cache.get(self._counter(scope, key, limit))
        if count is not None and int(count) >= limit.times:
            raise self._refuse(limit)

    async def record_failure(self, scope: str, key: str, limit: Limit) -> None:
        """Counts a failed attempt, for limits that only failures should use up."""
        await self.cache.incr(self._counter(scope, key, limit), expire=limit.seconds + 1)


def client_ip(request: Request) -> str:
    # Cloud Run's front end appends the caller's address as the last X-Forwarded-For entry
    # it adds; uvicorn's proxy-headers handling has already put it in request.client.
    return request.client.host if request.client else "unknown"


def rate_limit(scope: str, limit: Limit) -> Callable[[Request], Awaitable[None]]:
    """A dependency limiting a route per client IP."""

    async def dependency(request: Request) -> None:
        limiter: RateLimiter = request.app.state.runtime.rate_limiter
        await limiter.hit(scope, client_ip(request), limit)

    return dependency


class RateLimitMiddleware:
    """A per-IP budget on every request under `prefix`, as ASGI middleware: checked before
    routing, it costs far less than a dependency on every route."""

    def __init__(self, app: ASGIApp, *, prefix: str, limit: Limit) -> None:
        self.app = app
        self.prefix = prefix
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefix):
            client = scope.get("client")
            limiter: RateLimiter = scope["app"].state.runtime.rate_limiter
            try:
                await limiter.hit("api", client[0] if client else "unknown", self.limit)
            except TooManyRequests as exc:
                await error_response(exc)(scope, receive, send)
                return
        await self.app(scope, receive, send)
