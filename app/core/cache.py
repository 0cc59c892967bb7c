"""Shared cache (cashews): memory by default, Redis when REDIS_URL is set.

Used for response caching with tag invalidation and stampede protection, and as the counter
store of the rate limiter, so both are shared across instances once Redis is configured.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from cashews import Cache

from app.core.config import Settings


def create_cache(settings: Settings, prefix: str = "ws") -> Cache:
    cache = Cache(name=prefix)
    if settings.redis_url:
        url = settings.redis_url
        cache.setup(url, client_side=False, socket_connect_timeout=2, socket_timeout=2)
    else:
        cache.setup("mem://?size=100000")
    return cache


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
