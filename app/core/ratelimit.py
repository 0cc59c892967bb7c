"""Fixed-window rate limits on the shared cache: one counter per key and window.

Counters live in the cache backend (Redis when configured), so every instance of the service
counts against the same limit. While Redis is unreachable they live in this process's memory:
each instance then enforces the limit on its own, which is looser but never unlimited.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from cashews import Cache
from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.cache import cache_available
from app.core.errors import TooManyRequests, error_response


@dataclass(frozen=True)
class Limit:
    """`times` requests per `seconds` for one key."""

    times: int
    seconds: int


class RateLimiter:
    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self.local = Cache(name="ratelimit-local")
        self.local.setup("mem://?size=100000")

    def _store(self) -> Cache:
        return self.cache if cache_available(self.cache) else self.local

    async def _incr(self, counter: str, limit: Limit) -> int:
        count = await self._store().incr(counter, expire=limit.seconds + 1)
        if count is None:  # Redis failed on this very call
            count = await self.local.incr(counter, expire=limit.seconds + 1)
        return int(count)

    @staticmethod
    def _counter(scope: str, key: str, limit: Limit) -> str:
        return f"rl:{scope}:{key}:{int(time.time()) // limit.seconds}"

    @staticmethod
    def _refuse(limit: Limit) -> TooManyRequests:
        return TooManyRequests(max(1, limit.seconds - int(time.time()) % limit.seconds))

    async def hit(self, scope: str, key: str, limit: Limit) -> None:
        """Counts one hit; raises 429 with Retry-After once the window is used up."""
        count = await self._incr(self._counter(scope, key, limit), limit)
        if count > limit.times:
            raise self._refuse(limit)

    async def ensure_allowed(self, scope: str, key: str, limit: Limit) -> None:
        """Raises 429 if the window is used up, without counting (see `record_failure`)."""
        counter = self._counter(scope, key, limit)
        count = await self._store().get(counter)
        if count is None and not cache_available(self.cache):
            count = await self.local.get(counter)
        if count is not None and int(count) >= limit.times:
            raise self._refuse(limit)

    async def record_failure(self, scope: str, key: str, limit: Limit) -> None:
        """Counts a failed attempt, for limits that only failures should use up."""
        await self._incr(self._counter(scope, key, limit), limit)


def client_ip(request: Request) -> str:
    # RequestContextMiddleware has put the address our trusted proxies saw in request.client
    # (TrustedProxies in app/core/middleware.py); a client's own X-Forwarded-For is ignored.
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

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, prefix: str, limit: Limit) -> None:
        self.app = app
        self.limiter = limiter
        self.prefix = prefix
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefix):
            client = scope.get("client")
            try:
                await self.limiter.hit("api", client[0] if client else "unknown", self.limit)
            except TooManyRequests as exc:
                await error_response(exc)(scope, receive, send)
                return
        await self.app(scope, receive, send)
