"""Fixed-window rate limits on the shared cache: one counter per key and window.

Counters live in the cache backend (Redis when configured), so every instance of the service
counts against the same limit. While this instance cannot reach Redis they live in its memory,
where it allows only its share of each limit (RATE_LIMIT_INSTANCES): the instances that still
reach Redis share the limit, so all together never allow more than the limit plus the share
of each instance cut off.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

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


@dataclass
class Attempt:
    """Windows an attempt was counted in (`RateLimiter.take`), to give back if it succeeds."""

    counters: list[tuple[str, Limit]] = field(default_factory=list)


class RateLimiter:
    def __init__(self, cache: Cache, share: float = 1.0) -> None:
        self.cache = cache
        # The part of each limit this instance allows while it counts alone.
        self.share = share
        self.local = Cache(name="ratelimit-local")
        self.local.setup("mem://?size=100000")

    def _store(self) -> Cache:
        return self.cache if cache_available(self.cache) else self.local

    def _allowed(self, limit: Limit, alone: bool) -> int:
        return max(1, int(limit.times * self.share)) if alone else limit.times

    async def _incr(self, counter: str, limit: Limit) -> tuple[int, bool]:
        """The count after this hit, and whether it was counted alone (in memory)."""
        store = self._store()
        count = await store.incr(counter, expire=limit.seconds + 1)
        if count is None:  # Redis failed on this very call
            return int(await self.local.incr(counter, expire=limit.seconds + 1)), True
        return int(count), store is self.local

    @staticmethod
    def _counter(scope: str, key: str, limit: Limit) -> str:
        return f"rl:{scope}:{key}:{int(time.time()) // limit.seconds}"

    @staticmethod
    def _refuse(limit: Limit) -> TooManyRequests:
        return TooManyRequests(max(1, limit.seconds - int(time.time()) % limit.seconds))

    async def hit(self, scope: str, key: str, limit: Limit) -> None:
        """Counts one hit; raises 429 with Retry-After once the window is used up."""
        count, alone = await self._incr(self._counter(scope, key, limit), limit)
        if count > self._allowed(limit, alone):
            raise self._refuse(limit)

    async def ensure_allowed(self, scope: str, key: str, limit: Limit) -> None:
        """Raises 429 if the window is used up, without counting (see `record_failure`)."""
        counter = self._counter(scope, key, limit)
        alone = not cache_available(self.cache)
        count = await self._store().get(counter)
        if count is None and alone:
            count = await self.local.get(counter)
        if count is not None and int(count) >= self._allowed(limit, alone):
            raise self._refuse(limit)

    async def record_failure(self, scope: str, key: str, limit: Limit) -> None:
        """Counts a failed attempt, for limits that only failures should use up."""
        await self._incr(self._counter(scope, key, limit), limit)

    async def take(self, scope: str, key: str, limits: Sequence[Limit]) -> Attempt:
        """Counts one attempt in every window before the check it guards, so that parallel
        attempts cannot all pass a count read before any of them was recorded. Raises 429
        with Retry-After, counting nothing, once any window is used up. An attempt that
        turns out right is given back (`give_back`): the windows then count failures."""
        attempt = Attempt()
        for limit in limits:
            counter = self._counter(scope, key, limit)
            count, alone = await self._incr(counter, limit)
            attempt.counters.append((counter, limit))
            if count > self._allowed(limit, alone):
                await self.give_back(attempt)
                raise self._refuse(limit)
        return attempt

    async def give_back(self, attempt: Attempt) -> None:
        # The counters of the windows it was counted in: a window that has ended since
        # keeps its own key, which expires with it.
        for counter, limit in attempt.counters:
            count = await self._store().incr(counter, value=-1, expire=limit.seconds + 1)
            if count is None:
                await self.local.incr(counter, value=-1, expire=limit.seconds + 1)
        attempt.counters.clear()

    async def remember(self, scope: str, key: str, seconds: int) -> None:
        """Notes `key` for `seconds` (e.g. an address an account signed in from)."""
        name = f"rl-seen:{scope}:{key}"
        if not await self._store().set(name, 1, expire=seconds):
            await self.local.set(name, 1, expire=seconds)

    async def remembers(self, scope: str, key: str) -> bool:
        name = f"rl-seen:{scope}:{key}"
        if await self._store().get(name) is not None:
            return True
        return not cache_available(self.cache) and await self.local.get(name) is not None


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
