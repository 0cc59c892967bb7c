"""Many instances: Redis pub/sub rings the bell on every instance.

One pub/sub connection per process, whatever the number of streams: a channel is subscribed
when its first local listener arrives and unsubscribed when its last leaves, and one reader
task hands each message to the local listeners.

Redis going away and coming back is part of the job, not an error:

- The reader task alone (re)connects the pub/sub connection, on a pool of its own (never a
  publishing connection that went stale with the old server): at once, then at most every
  `_RECONNECT_MAX_SECONDS` while Redis is away, subscribing every local channel again. A
  stream that subscribes meanwhile only adds its channel to that list; nothing Redis does
  ever fails a stream, and a SUBSCRIBE that fails drops the connection for the reader to
  make a new one (never a second task reconnecting it under the reader).
- Every confirmed subscription rings its channel's local listeners: from that moment every
  ring reaches them, and what was committed before (during the gap, or while a new stream's
  SUBSCRIBE was on its way) is in the database, which they reread. Nothing is missed.
- A publish that meets a connection the old server closed tries again at once on a new one,
  so the first ring after a restart reaches the other instances at once, not at their next
  heartbeat-time reread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.integrations.broker.base import LocalFanout, Subscription

logger = logging.getLogger(__name__)

_RECONNECT_FIRST_SECONDS = 0.05
_RECONNECT_MAX_SECONDS = 0.5
# A Redis that does not answer a connect (a failover, a partition) is retried, not waited for.
_CONNECT_SECONDS = 2.0
_BASE_CHANNEL = "_"  # always subscribed: the connection is never left without a subscription


class RedisBroker:
    def __init__(self, url: str, *, prefix: str = "ws:bell:") -> None:
        self._redis: Redis = Redis.from_url(
            url, socket_connect_timeout=_CONNECT_SECONDS, socket_timeout=_CONNECT_SECONDS
        )
        self._listening: Redis = Redis.from_url(url, socket_connect_timeout=_CONNECT_SECONDS)
        self._prefix = prefix
        self._local = LocalFanout()
        self._pubsub: Any = None  # the reader's connection, while it is subscribed
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def publish(self, channel: str) -> None:
        name = self._prefix + channel
        try:
            try:
                await self._redis.publish(name, b"1")
            except (RedisConnectionError, RedisTimeoutError, OSError):
                # After a restart every pooled connection is one the old server closed.
                await self._redis.connection_pool.disconnect(inuse_connections=False)
                await self._redis.publish(name, b"1")
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
            self._ensure_reader()
            if first:
                await self._send("subscribe", channel)
            yield subscription
        finally:
            if self._local.remove(channel, subscription):
                await self._send("unsubscribe", channel)

    async def _send(self, command: str, channel: str) -> None:
        async with self._lock:
            pubsub = self._pubsub
            if pubsub is None:
                return  # the reader subscribes every local channel when it connects
            try:
                await getattr(pubsub, command)(self._prefix + channel)
            except Exception:
                # The reader's next read fails on the dropped connection and makes a new
                # one with every local channel.
                logger.info("redis %s failed; the reader reconnects", command, exc_info=True)
                await self._drop(pubsub)

    async def _drop(self, pubsub: Any) -> None:
        """Forgets `pubsub` (the lock held)."""
        if self._pubsub is pubsub:
            self._pubsub = None
        with contextlib.suppress(Exception):
            await pubsub.aclose()

    def _ensure_reader(self) -> None:
        if self._reader is None or self._reader.done():
            self._reader = asyncio.create_task(self._run())

    async def _run(self) -> None:
        wait = 0.0
        lost = False
        while True:
            pubsub = None
            try:
                pubsub = await self._connect()
                if lost:
                    logger.info("redis pub/sub connected again")
                lost, wait = False, 0.0
                await self._listen(pubsub)
            except asyncio.CancelledError:
                raise
            except Exception:
                if not lost:
                    logger.warning("redis pub/sub connection lost; reconnecting", exc_info=True)
                lost = True
            finally:
                if pubsub is not None:
                    async with self._lock:
                        await self._drop(pubsub)
            await asyncio.sleep(wait)
            wait = min(max(wait * 2, _RECONNECT_FIRST_SECONDS), _RECONNECT_MAX_SECONDS)

    async def _connect(self) -> Any:
        pubsub = self._listening.pubsub()
        try:
            await pubsub.subscribe(self._prefix + _BASE_CHANNEL)
            async with self._lock:
                # Channels added from here on are sent by their streams (`_send`).
                self._pubsub = pubsub
                channels = [self._prefix + name for name in self._local.listeners]
                if channels:
                    await pubsub.subscribe(*channels)
        except BaseException:
            async with self._lock:
                await self._drop(pubsub)
            raise
        return pubsub

    async def _listen(self, pubsub: Any) -> None:
        while True:
            message = await pubsub.get_message(timeout=1.0)
            if not message or message.get("type") not in ("message", "subscribe"):
                continue
            name = message["channel"]
            if isinstance(name, bytes):
                name = name.decode()
            # A message rings its channel; so does a confirmed subscription (see above).
            self._local.ring(name.removeprefix(self._prefix))

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        await self._redis.aclose()
        await self._listening.aclose()
