"""Shared cache (tags, stampede protection) and rate limits, on memory and on Redis, and
what both do while Redis is unreachable."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from cashews import Cache
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.cache import (
    RETRY_SECONDS,
    cache_available,
    create_cache,
    get_or_compute,
    hot_get,
    invalidate_tags,
)
from app.core.config import Settings
from app.core.errors import TooManyRequests
from app.core.ratelimit import Limit, RateLimiter
from tests.support.app import app_client
from tests.support.clock import fresh_window
from tests.support.google_keys import CertsServer
from tests.support.net import free_port
from tests.support.proxy import Proxy


@pytest.fixture(params=["memory", "redis"])
async def caches(request: pytest.FixtureRequest, settings: Settings) -> AsyncIterator[list[Cache]]:
    """Two caches as two instances of the service would hold them."""
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        made = [create_cache(settings.model_copy(update={"redis_url": url})) for _ in range(2)]
    else:
        shared = create_cache(settings.model_copy(update={"redis_url": None}))
        made = [shared, shared]  # memory is per process: one instance
    await made[0].clear()
    yield made
    await made[0].clear()


async def test_hot_reads_answer_what_get_answers_across_instances(caches: list[Cache]) -> None:
    first, second = caches
    assert await hot_get(second, "hot:answer") is None  # before anything was stored
    await first.set("hot:answer", ("etag", b"body"), expire=60)
    assert await hot_get(second, "hot:answer") == await second.get("hot:answer")
    assert await hot_get(second, "hot:answer") == ("etag", b"body")
    await first.delete("hot:answer")
    assert await hot_get(second, "hot:answer") is None


async def test_a_hot_read_of_an_unreachable_redis_is_a_miss(
    dead_redis_settings: Settings,
) -> None:
    cache = create_cache(dead_redis_settings)
    await cache.get("warm")  # the backend's first command initialises it
    assert await hot_get(cache, "hot:answer") is None
    assert not cache_available(cache)


async def test_identical_misses_compute_once(caches: list[Cache]) -> None:
    computed = 0

    async def compute() -> dict[str, int]:
        nonlocal computed
        computed += 1
        await asyncio.sleep(0.05)
        return {"value": 42}

    results = await asyncio.gather(
        *[get_or_compute(caches[i % 2], "catalog:list", compute, ttl=30) for i in range(20)]
    )
    assert results == [{"value": 42}] * 20
    assert computed == 1


@pytest.mark.parametrize("locked", [False, True], ids=["lock-free", "lock-held"])
async def test_a_value_stored_just_after_a_miss_is_not_computed_again(
    caches: list[Cache], monkeypatch: pytest.MonkeyPatch, locked: bool
) -> None:
    """Another instance stores the value (and releases its lock) right after this caller's
    read missed: the caller must use that value, not compute it a second time. With the lock
    held, that happens while the caller waits (its second read)."""
    mine, other = caches
    key, lock_key = "catalog:late", "lock:catalog:late"
    if locked:
        assert await other.set_lock(lock_key, "other", expire=30)
    store_after_miss = 2 if locked else 1
    real_get = mine.get
    misses = 0

    async def get_then_other_stores(name: str, *args: object, **kwargs: object) -> object:
        nonlocal misses
        value = await real_get(name, *args, **kwargs)
        if name == key and value is None:
            misses += 1
            if misses == store_after_miss:
                await other.set(key, {"value": "theirs"}, expire=30)
                await other.unlock(lock_key, "other")
        return value

    monkeypatch.setattr(mine, "get", get_then_other_stores)

    async def compute() -> dict[str, str]:
        raise AssertionError("computed although the value was there")

    assert await get_or_compute(mine, key, compute, ttl=30) == {"value": "theirs"}
    assert misses == store_after_miss


async def test_tags_invalidate_every_tagged_key(caches: list[Cache]) -> None:
    version = 1

    async def compute() -> int:
        return version

    assert await get_or_compute(caches[0], "videos:1", compute, ttl=60, tags=["catalog"]) == 1
    assert await get_or_compute(caches[0], "ebooks:1", compute, ttl=60, tags=["catalog"]) == 1
    assert await get_or_compute(caches[0], "avatars", compute, ttl=60, tags=["avatars"]) == 1
    version = 2
    await invalidate_tags(caches[1], "catalog")
    assert await get_or_compute(caches[0], "videos:1", compute, ttl=60, tags=["catalog"]) == 2
    assert await get_or_compute(caches[0], "ebooks:1", compute, ttl=60, tags=["catalog"]) == 2
    assert await get_or_compute(caches[0], "avatars", compute, ttl=60, tags=["avatars"]) == 1


async def test_rate_limit_is_shared_across_instances(caches: list[Cache]) -> None:
    limiters = [RateLimiter(caches[0]), RateLimiter(caches[1])]
    limit = Limit(times=5, seconds=60)
    for i in range(5):
        await limiters[i % 2].hit("login", "203.0.113.9", limit)
    with pytest.raises(TooManyRequests) as refused:
        await limiters[1].hit("login", "203.0.113.9", limit)
    assert 1 <= refused.value.retry_after <= 60
    assert refused.value.headers["Retry-After"] == str(refused.value.retry_after)
    # Another key has its own budget.
    await limiters[0].hit("login", "198.51.100.1", limit)


@pytest.fixture
def dead_redis_settings(settings: Settings) -> Settings:
    """A Redis URL nothing listens on: Redis is down."""
    return settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"})


async def test_an_unreachable_redis_is_a_miss_and_limits_count_in_memory(
    dead_redis_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    cache = create_cache(dead_redis_settings)
    computed = 0

    async def compute() -> int:
        nonlocal computed
        computed += 1
        return computed

    assert await get_or_compute(cache, "videos:1", compute, ttl=60, tags=["catalog"]) == 1
    assert await get_or_compute(cache, "videos:1", compute, ttl=60, tags=["catalog"]) == 2
    await invalidate_tags(cache, "catalog")

    limiter = RateLimiter(cache)
    limit = Limit(times=3, seconds=60)
    for _ in range(3):
        await limiter.hit("login", "203.0.113.9", limit)
    with pytest.raises(TooManyRequests):
        await limiter.hit("login", "203.0.113.9", limit)
    with pytest.raises(TooManyRequests):
        await limiter.ensure_allowed("login", "203.0.113.9", limit)
    # Dozens of failed commands, one warning.
    warnings = [r for r in caplog.records if r.name == "app.core.cache"]
    assert [r.levelname for r in warnings] == ["WARNING"]
    assert "redis unreachable" in warnings[0].getMessage()


async def test_the_api_answers_while_redis_is_unreachable(
    dead_redis_settings: Settings, engine: AsyncEngine, google_certs: CertsServer
) -> None:
    await fresh_window(5)
    async with app_client(
        dead_redis_settings, engine, google_certs.url, rate_limit_per_minute=5
    ) as (_, client):
        statuses = [(await client.get("/api/v1/videos")).status_code for _ in range(6)]
        login = await client.post(
            "/api/v1/auth/login", json={"email": "nobody@example.com", "password": "x" * 16}
        )
    # Served (uncached) until the per-instance budget of 5 is spent: limits still hold.
    assert statuses == [200] * 5 + [429]
    assert login.status_code == 429


async def test_limits_and_cache_move_back_to_redis_when_it_returns(
    settings: Settings, redis_url: str
) -> None:
    url = make_url(redis_url.replace("redis://", "postgresql://", 1))
    proxy = Proxy(lambda: asyncio.open_connection(url.host or "127.0.0.1", url.port or 6379))
    await proxy.start()
    cache = create_cache(
        settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{proxy.port}/{url.database}"})
    )
    try:
        await cache.clear()
        await proxy.stop()
        assert await cache.get("k") is None
        assert not cache_available(cache)
        await proxy.start()
        await asyncio.sleep(RETRY_SECONDS + 0.1)
        await cache.set("k", "v", expire=30)
        assert cache_available(cache)
        other = create_cache(settings.model_copy(update={"redis_url": redis_url}))
        assert await other.get("k") == "v"
    finally:
        await proxy.stop()
