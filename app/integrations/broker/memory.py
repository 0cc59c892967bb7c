"""One process: a ring reaches this process's listeners only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.integrations.broker.base import LocalFanout, Subscription


class MemoryBroker:
    def __init__(self) -> None:
        self._local = LocalFanout()

    async def publish(self, channel: str) -> None:
        self._local.ring(channel)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        subscription, _ = self._local.add(channel)
        try:
            yield subscription
        finally:
            self._local.remove(channel, subscription)

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None
