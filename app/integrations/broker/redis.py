"""Many instances: Redis pub/sub rings the bell on every instance.

One pub/sub connection per process, whatever the number of streams: a channel is subscribed
when its first local listener arrives and unsubscribed when its last leaves, and one reader
task hands each message to the local listeners. When the connection breaks, the reader
reconnects, subscribes again and rings every local listener, so each stream rereads the
database and nothing published during the gap is missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.integrations.broker.base import LocalFanout, Subscription

logger = logging.getLogger(__name__)

_RECONNECT_SECONDS = 1.0


class RedisBroker:
    def __init__(self, url: str, *, prefix: str = "ws:bell:") -> None:
        self._redis: Redis = Redis.from_url(url)
        self._prefix = prefix
        self._local = LocalFanout()
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def publish(self, channel: str) -> None:
        try:
            await self._redis.publish(self._prefix + channel, b"1")
        except (RedisError, OSError):
            # The events are committed: streams here still hear it, others at their next
            # ring or heartbeat-time reread.
            logger.warning("redis publish failed; local listeners only", exc_info=True)
        # Listeners of this instance do not wait for the round trip through Redis.
        self._local.ring(channel)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        subscription, first = self._local.add(channel)
        try:
            if first:
                await self._ensure_reader()
                await self._send("subscribe", channel)
            yield subscription
        finally:
            if self._local.remove(channel, subscription):
                await self._send("unsubscribe", channel)

    async def _send(self, command: str, channel: str) -> None:
        async with self._lock:
            if self._pubsub is None:
                return  # the reader subscribes every local channel when it reconnects
            try:
                await getattr(self._pubsub, command)(self._prefix + channel)
            except (RedisError, OSError):
                logger.warning("redis %s failed; the reader will retry", command)

    async def _ensure_reader(self) -> None:
        if self._reader is None or self._reader.done():
            self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            # Subscribed before the first message is read: nothing rung after it is missed.
            await self._pubsub.subscribe(self._prefix + "_")
            self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while True:
            try:
                message = await self._pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("redis pub/sub connection lost; reconnecting", exc_info=True)
                await self._reconnect()
                continue
            if message and message.get("type") == "message":
                name = message["channel"]
                if isinstance(name, bytes):
                    name = name.decode()
                self._local.ring(name.removeprefix(self._prefix))

    async def _reconnect(self) -> None:
        while True:
            await asyncio.sleep(_RECONNECT_SECONDS)
            try:
                async with self._lock:
                    with contextlib.suppress(Exception):
                        await self._pubsub.aclose()
                    self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                    channels = [self._prefix + c for c in self._local.listeners] or [
                        self._prefix + "_"
                    ]
                    await self._pubsub.subscribe(*channels)
            except (RedisError, OSError):
                continue
            # Whatever was rung while the connection was down is in the database.
            self._local.ring_all()
            return

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()
            self._pubsub = None
        await self._redis.aclose()
