"""The broker interface, and the local fan-out every implementation shares."""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

_SESSION_KEY = "broker_rung"


class Subscription:
    """One listener: a flag set by a ring, cleared when the listener wakes. A ring while the
    listener is busy is kept (the flag stays set), so nothing between two waits is missed.
    This is all a stream holds in memory for the broker: a flag and, while it waits, one
    future and one timer (no Event and no task per wait, which a thousand streams feel)."""

    __slots__ = ("_rung", "_waiter")

    def __init__(self) -> None:
        self._rung = False
        self._waiter: asyncio.Future[None] | None = None

    def ring(self) -> None:
        self._rung = True
        _wake(self._waiter)

    async def wait(self, seconds: float) -> bool:
        """True when rung (now or since the last wait), False after `seconds`."""
        if not self._rung:
            loop = asyncio.get_running_loop()
            waiter = self._waiter = loop.create_future()
            timer = loop.call_later(seconds, _wake, waiter)
            try:
                await waiter
            finally:
                timer.cancel()
                self._waiter = None
            if not self._rung:
                return False
        self._rung = False
        return True


def _wake(waiter: asyncio.Future[None] | None) -> None:
    if waiter is not None and not waiter.done():
        waiter.set_result(None)


class LocalFanout:
    """Listeners of this process by channel."""

    def __init__(self) -> None:
        self.listeners: dict[str, set[Subscription]] = {}

    def add(self, channel: str) -> tuple[Subscription, bool]:
        """The new listener, and whether it is the channel's first in this process."""
        subscription = Subscription()
        listeners = self.listeners.setdefault(channel, set())
        listeners.add(subscription)
        return subscription, len(listeners) == 1

    def remove(self, channel: str, subscription: Subscription) -> bool:
        """Whether the channel has no listener left here."""
        listeners = self.listeners.get(channel)
        if listeners is None:
            return False
        listeners.discard(subscription)
        if not listeners:
            del self.listeners[channel]
            return True
        return False

    def ring(self, channel: str) -> None:
        for subscription in self.listeners.get(channel, ()):
            subscription.ring()

    def ring_all(self) -> None:
        for listeners in self.listeners.values():
            for subscription in listeners:
                subscription.ring()


class Broker(Protocol):
    async def publish(self, channel: str) -> None:
        """Rings `channel` on every instance (after the writes it announces are committed)."""
        ...

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[Subscription]:
        """Listens to `channel` while the context is open."""
        ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...


def ring_after_commit(session: AsyncSession, channel: str) -> None:
    """Marks `channel` to be rung once this session commits (never before: a listener that
    woke early would read nothing and sleep through the event)."""
    session.info.setdefault(_SESSION_KEY, set()).add(channel)


def take_rung(session: AsyncSession) -> set[str]:
    channels: set[str] = session.info.pop(_SESSION_KEY, set())
    return channels
