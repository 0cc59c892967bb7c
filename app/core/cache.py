"""Shared cache (cashews): memory by default, Redis when REDIS_URL is set.

Used for response caching with tag invalidation and stampede protection, and as the counter
store of the rate limiter, so both are shared across instances once Redis is configured.

Redis going away must not take the API with it: every command on a Redis cache passes through
a guard that answers as an empty cache would (a miss, nothing stored, a lock granted) while
Redis is unreachable, stops trying it for a few seconds after each failure so that requests do
not each wait for a timeout, and logs a warning at most once a minute. `ping` is the exception:
it raises, so readiness reports Redis truthfully. The rate limiter notices through
`cache_available` and counts in memory meanwhile (app/core/ratelimit.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from cashews import Cache
from cashews.commands import Command
from cashews.exceptions import CacheBackendInteractionError
from redis.exceptions import RedisError

from app.core.config import Settings

logger = logging.getLogger(__name__)

# After a failure, commands skip Redis for this long before one of them tries it again.
RETRY_SECONDS = 3.0
# While Redis stays down, the warning is repeated at most this often.
WARN_EVERY_SECONDS = 60.0

_OUTAGE_ERRORS = (CacheBackendInteractionError, RedisError, OSError, asyncio.TimeoutError)

# What an empty, unshared cache answers; commands not listed answer None.
_DEGRADED: dict[Command, Callable[[tuple[Any, ...], dict[str, Any]], Any]] = {
    Command.GET: lambda args, kwargs: kwargs.get("default"),
    Command.GET_MANY: lambda args, kwargs: tuple(kwargs.get("default") for _ in args),
    Command.SET: lambda args, kwargs: False,
    Command.SET_RAW: lambda args, kwargs: False,
    Command.DELETE: lambda args, kwargs: False,
    Command.EXISTS: lambda args, kwargs: False,
    Command.EXPIRE: lambda args, kwargs: False,
    Command.GET_EXPIRE: lambda args, kwargs: -1,
    # No one else can hold a lock the cache cannot keep: the caller goes ahead alone.
    Command.SET_LOCK: lambda args, kwargs: True,
    Command.UNLOCK: lambda args, kwargs: True,
    Command.IS_LOCKED: lambda args, kwargs: False,
    Command.SET_POP: lambda args, kwargs: [],
    Command.GET_SIZE: lambda args, kwargs: 0,
    Command.GET_KEYS_COUNT: lambda args, kwargs: 0,
}
# Iterators cannot be answered by a coroutine; nothing here scans.
_PASS_THROUGH = {Command.SCAN, Command.GET_MATCH}


class RedisGuard:
    """The cashews middleware described above, one per cache."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.down_since: float | None = None
        self._retry_at = 0.0
        self._warned_at = 0.0

    @property
    def available(self) -> bool:
        return self.down_since is None

    def _failed(self, cmd: Command, exc: BaseException) -> None:
        now = time.monotonic()
        if self.down_since is None:
            self.down_since = now
        self._retry_at = now + RETRY_SECONDS
        if now - self._warned_at >= WARN_EVERY_SECONDS or self._warned_at == 0.0:
            self._warned_at = now
            logger.warning(
                "redis unreachable: caching off, rate limits per instance until it is back",
                extra={"command": cmd.value, "error": repr(exc)},
            )

    def _recovered(self) -> None:
        if self.down_since is not None:
            logger.warning(
                "redis reachable again",
                extra={"down_seconds": round(time.monotonic() - self.down_since, 1)},
            )
            self.down_since = None
            self._warned_at = 0.0

    async def __call__(
        self,
        call: Callable[..., Awaitable[Any]],
        cmd: Command,
        backend: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        if cmd in _PASS_THROUGH:
            return await call(*args, **kwargs)
        # Readiness always asks Redis itself, so it sees the outage end as soon as it does.
        if (
            cmd is not Command.PING
            and self.down_since is not None
            and time.monotonic() < self._retry_at
        ):
            return self._degraded(cmd, args, kwargs)
        try:
            result = await call(*args, **kwargs)
        except _OUTAGE_ERRORS as exc:
            self._failed(cmd, exc)
            if cmd is Command.PING:
                raise
            return self._degraded(cmd, args, kwargs)
        self._recovered()
        return result

    @staticmethod
    def _degraded(cmd: Command, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        answer = _DEGRADED.get(cmd)
        return answer(args, kwargs) if answer else None


def create_cache(settings: Settings, prefix: str = "ws") -> Cache:
    cache = Cache(name=prefix)
    if settings.redis_url:
        guard = RedisGuard(settings.redis_url)
        # suppress=False: errors reach the guard instead of being logged on every command.
        cache.setup(
            settings.redis_url,
            client_side=False,
            suppress=False,
            socket_connect_timeout=2,
            socket_timeout=2,
            wait_for_connection_timeout=2,
        )
        cache.add_middleware(guard)
        cache.redis_guard = guard  # type: ignore[attr-defined]
    else:
        cache.setup("mem://?size=100000")
    return cache


async def hot_get(cache: Cache, key: str) -> Any:
    """`cache.get(key)` for the reads every cached answer makes (the account's revocation
    stamp, the answer): cashews rebuilds its chain of per-command middleware on every call
    (auto-init, invalidation, disable and callback controls), 3.6 µs of a 4 µs get on the
    memory backend, and nothing here uses those controls. The Redis guard is kept: an
    outage still reads as a miss."""
    backend = cache._get_backend(key)
    if not backend.is_init:
        return await cache.get(key)  # the first read initialises the backend
    guard: RedisGuard | None = getattr(cache, "redis_guard", None)
    if guard is None:
        return await backend.get(key, default=None)
    return await guard(backend.get, Command.GET, backend, key=key, default=None)


def cache_available(cache: Cache) -> bool:
    """False while the cache's Redis is unreachable (a memory cache always is available)."""
    guard: RedisGuard | None = getattr(cache, "redis_guard", None)
    return guard is None or guard.available


_LOCK_TTL_SECONDS = 30


async def get_or_compute(
    cache: Cache,
    key: str,
    compute: Callable[[], Awaitable[Any]],
    *,
    ttl: int,
    tags: Sequence[str] = (),
    wait_seconds: float = 5.0,
) -> Any:
    """Cached value of `key`, computed once even when many requests miss at the same time.

    The first caller takes a short lock and computes; the others wait for the value (across
    instances when the cache is Redis) instead of all hitting the database.
    """
    value = await cache.get(key)
    if value is not None:
        return value
    lock_key = f"lock:{key}"
    token = uuid.uuid4().hex
    if await cache.set_lock(lock_key, token, expire=_LOCK_TTL_SECONDS):
        try:
            # The caller that held the lock before may have stored the value after our miss.
            value = await cache.get(key)
            if value is None:
                value = await compute()
                await cache.set(key, value, expire=ttl, tags=tags)
            return value
        finally:
            await cache.unlock(lock_key, token)
    deadline = asyncio.get_running_loop().time() + wait_seconds
    while asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.01)
        value = await cache.get(key)
        if value is not None:
            return value
        if not await cache.is_locked(lock_key):
            # Stored and unlocked between our two reads, or the computing caller failed.
            value = await cache.get(key)
            if value is not None:
                return value
            break
    # The computing caller failed or is too slow: compute rather than fail the request.
    value = await compute()
    await cache.set(key, value, expire=ttl, tags=tags)
    return value


async def invalidate_tags(cache: Cache, *tags: str) -> None:
    await cache.delete_tags(*tags)


_TAGS_KEY = "cache_tags_to_invalidate"


def invalidate_after_commit(session: Any, *tags: str) -> None:
    """Marks tags to invalidate once this session commits: invalidating before would let a
    concurrent request cache the old rows again."""
    session.info.setdefault(_TAGS_KEY, set()).update(tags)


def take_tags(session: Any) -> set[str]:
    tags: set[str] = session.info.pop(_TAGS_KEY, set())
    return tags
