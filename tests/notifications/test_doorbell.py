"""The doorbell a stream waits on: a ring is never lost between two waits, a wait ends at
its timeout, and a wait that is cancelled leaves the bell usable."""

from __future__ import annotations

import asyncio
import time

import pytest

from app.integrations.broker import Subscription
from app.integrations.broker.memory import MemoryBroker


async def test_a_ring_before_the_wait_is_kept_and_taken_once() -> None:
    bell = Subscription()
    bell.ring()
    bell.ring()
    started = time.monotonic()
    assert await bell.wait(5.0) is True
    assert time.monotonic() - started < 0.1
    assert await bell.wait(0.05) is False


async def test_a_ring_during_the_wait_wakes_it_at_once() -> None:
    bell = Subscription()
    loop = asyncio.get_running_loop()
    loop.call_later(0.05, bell.ring)
    started = time.monotonic()
    assert await bell.wait(5.0) is True
    assert time.monotonic() - started < 1.0


async def test_a_wait_without_a_ring_ends_at_its_timeout() -> None:
    bell = Subscription()
    started = time.monotonic()
    assert await bell.wait(0.1) is False
    assert 0.09 <= time.monotonic() - started < 1.0


async def test_a_cancelled_wait_leaves_the_bell_working() -> None:
    bell = Subscription()
    waiting = asyncio.create_task(bell.wait(5.0))
    await asyncio.sleep(0.01)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    bell.ring()  # nobody waits: kept for the next wait
    assert await bell.wait(0.05) is True


async def test_the_broker_rings_every_listener_of_a_channel_only() -> None:
    broker = MemoryBroker()
    async with (
        broker.subscribe("a") as one,
        broker.subscribe("a") as two,
        broker.subscribe("b") as other,
    ):
        await broker.publish("a")
        assert await one.wait(1.0) is True
        assert await two.wait(1.0) is True
        assert await other.wait(0.05) is False
    assert not broker._local.listeners
