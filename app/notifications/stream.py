"""The live stream: server-sent events from the account's event log.

A stream subscribes to its account's doorbell first, then reads the log from the client's
Last-Event-ID, then after every ring (or heartbeat-time reread) reads what follows the last
event it sent. The log is the only source, so each event goes out once and in order
whichever instance committed it, and a ring missed is only a delay. Between reads a stream
holds no database connection, only its doorbell flag and the number of its last event.

A stream outlives the check of the token that opened it, so at every wake-up (a ring or a
heartbeat, at most STREAM_HEARTBEAT_SECONDS apart) it asks whether the sign-in was ended
since that token was issued (a ticket carries the issue time of the token that asked for
it): a parent who signs out everywhere or deletes a profile closes its streams within a
heartbeat, on every instance. The check is one shared-cache read.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from contextlib import aclosing, contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
import asyncpg
from sse_starlette import EventSourceResponse, ServerSentEvent
from sse_starlette.event import ensure_bytes
from starlette.types import Receive, Scope, Send

from app.auth.deps import Caller
from app.auth.revocation import Revocations
from app.core.db import Database
from app.integrations.broker import Broker
from app.notifications import queries
from app.notifications.service import channel

logger = logging.getLogger(__name__)
T = TypeVar("T")

# How long a client waits before reconnecting after the server ends the stream, in ms.
RETRY_MS = 2000


@dataclass(frozen=True)
class StreamSpec:
    max_seconds: float
    heartbeat_seconds: float


def _lifetime(max_seconds: float) -> float:
    # Ends a little before the limit (Cloud Run's request timeout is above it), at a
    # slightly different moment per stream, so reconnects of many clients spread out.
    margin = min(60.0, max_seconds * 0.1)
    return max_seconds - margin * random.uniform(1.0, 1.5)  # noqa: S311


def _event(seq: int, kind: str, data: object) -> ServerSentEvent:
    return ServerSentEvent(data=json.dumps(data, separators=(",", ":")), event=kind, id=str(seq))


async def _start(
    db: Database, account_id: uuid.UUID, last_event_id: int | None
) -> tuple[int, ServerSentEvent | None]:
    """Where to read from, and a `reset` when the client's position cannot be replayed."""
    async with db.session() as session:
        current = await queries.last_seq(session, account_id)
        if last_event_id is None:
            return current, None
        oldest = await queries.first_retained(session, account_id)
    behind = last_event_id < current
    pruned = oldest is None or oldest > last_event_id + 1
    if last_event_id > current or (behind and pruned):
        reason = "unknown" if last_event_id > current else "expired"
        # Older than the retention (or not ours): reload the inbox, then follow from here.
        return current, _event(current, "reset", {"reason": reason})
    return last_event_id, None


_unfinished: set[asyncio.Task[Any]] = set()


async def _finish(work: Coroutine[Any, Any, T]) -> T:
    """`work`, run to its end even when the stream is cancelled meanwhile (its client left,
    the server shuts down); the cancellation still reaches the stream at once.

    A query cut between asyncpg's prepare and its execute leaves the server inside the
    statement (an open transaction holding its lock) while the connection goes back to
    the pool as if idle: the hot pools send no reset query that would end it (app/core/
    db.py), so a TRUNCATE or a migration waits for that connection's next use, which may
    never come. A read lasts milliseconds: it ends, then its connection goes back clean."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        if not task.done():
            _unfinished.add(task)  # kept referenced until it ends
            task.add_done_callback(_ended_alone)
        raise


def _ended_alone(task: asyncio.Task[Any]) -> None:
    _unfinished.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.warning("a read ended after its stream, and failed", exc_info=task.exception())


async def _read(db: Database, caller: Caller, position: int) -> list[asyncpg.Record]:
    return await _finish(_fetch(db, caller, position))


async def _fetch(db: Database, caller: Caller, position: int) -> list[asyncpg.Record]:
    # Its own frame: the connection goes back when the read ends, not at the next read.
    async with db.raw_connection() as conn:
        return await queries.events_after(conn, caller.account_id, caller.profile_id, position)


async def events(
    db: Database,
    broker: Broker,
    revocations: Revocations,
    caller: Caller,
    last_event_id: int | None,
    spec: StreamSpec,
) -> AsyncIterator[ServerSentEvent]:
    deadline = anyio.current_time() + _lifetime(spec.max_seconds)
    # Revocations count from the issue of the token behind the stream (directly or through
    # a ticket), not from now: one that landed between the check and this line still ends it.
    opened_us = caller.issued_us
    async with broker.subscribe(channel(caller.account_id)) as bell:
        position, reset = await _finish(_start(db, caller.account_id, last_event_id))
        if reset is not None:
            yield reset
        yield ServerSentEvent(data="{}", event="ready", id=str(position), retry=RETRY_MS)
        while True:
            rows = await _read(db, caller, position)
            for row in rows:
                position = row["seq"]
                yield _event(position, row["type"], json.loads(row["data"]))
            if len(rows) == 200:
                continue  # more to replay
            left = deadline - anyio.current_time()
            if left <= 0:
                yield ServerSentEvent(comment="stream ends; reconnect", retry=RETRY_MS)
                return
            rung = await bell.wait(min(spec.heartbeat_seconds, left))
            revoked = revocations.is_revoked(caller.account_id, caller.profile_id, opened_us)
            if await _finish(revoked):
                yield ServerSentEvent(event="signed_out", data="{}")
                return
            if not rung and deadline - anyio.current_time() > 0:
                yield ServerSentEvent(comment="heartbeat")


# --- the response ----------------------------------------------------------------------------

# How long the farewell may take to go out at shutdown: a client that reads nothing must not
# hold the instance until Cloud Run's grace period ends.
FAREWELL_SECONDS = 2.0


def farewell() -> ServerSentEvent:
    """The last event of a stream the server ends on shutdown: reconnect (to another
    instance) with Last-Event-ID. The wait is spread over RETRY_MS to 2 * RETRY_MS, so the
    clients of an instance that goes away do not all come back at the same moment. No `id`:
    the client's last event id stays the last event it received."""
    retry = RETRY_MS + random.randrange(RETRY_MS)  # noqa: S311
    return ServerSentEvent(event="reconnect", data='{"reason":"shutdown"}', retry=retry)


class _Shutdown:
    """Tells every open stream of this event loop to end when the server begins to shut down
    (the library's signal: uvicorn's exit flag, set by SIGTERM), through one waiting task for
    all of them."""

    def __init__(self) -> None:
        self._waiter: asyncio.Task[None] | None = None
        self._streams: set[StreamResponse] = set()

    @contextmanager
    def ending(self, stream: StreamResponse) -> Iterator[None]:
        waiter = self._waiter
        if waiter is None or waiter.done() or waiter.get_loop() is not asyncio.get_running_loop():
            # A new loop (or a finished wait) gets its own set: a stream of a closed loop is
            # never ended.
            self._streams = set()
            self._waiter = asyncio.create_task(self._end(self._streams))
        streams = self._streams
        streams.add(stream)
        try:
            yield
        finally:
            streams.discard(stream)

    @staticmethod
    async def _end(streams: set[StreamResponse]) -> None:
        await EventSourceResponse._listen_for_exit_signal()
        for stream in list(streams):
            stream.end_for_shutdown()


_shutdown = _Shutdown()


class StreamResponse(EventSourceResponse):
    """sse-starlette's response with one task per stream besides the request's own, instead
    of the library's three in a task group (the sender, the disconnect and the shutdown
    listeners): 14 of the 53 KiB an open stream held. The request's task waits for the
    client to leave; the events go from a task of their own, since every resume of the
    request's task runs through the whole middleware chain above it.

    On shutdown the stream stops where it is (an event goes out whole or not at all, so the
    client's Last-Event-ID is the last event it has), then the request's task sends the
    farewell and the body's last chunk: the response ends complete, and the client
    reconnects to another instance and replays from the log whatever it did not get."""

    _listening: anyio.CancelScope | None = None
    _shutting_down = False

    def end_for_shutdown(self) -> None:
        self._shutting_down = True
        if self._listening is not None:
            self._listening.cancel()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"].upper() == "HEAD":
            await super().__call__(scope, receive, send)
            return
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        with anyio.CancelScope() as listening, _shutdown.ending(self):
            self._listening = listening
            sender = asyncio.create_task(self._send_all(send, listening))
            try:
                while (await receive())["type"] != "http.disconnect":
                    pass
            finally:
                # Cancelled here rather than inside the scope, whose cancellation would
                # also cut the stream's cleanup (leaving its doorbell) short.
                sender.cancel()
        await asyncio.wait([sender])
        if self._shutting_down and self.active:
            await self._say_farewell(send)
        if not sender.cancelled():
            sender.result()  # the stream's own failure, as uvicorn reports any
        if self.background is not None:
            await self.background()

    async def _send_all(self, send: Send, listening: anyio.CancelScope) -> None:
        try:
            # Closed here when a send fails, so the stream's own cleanup (its doorbell) runs.
            async with aclosing(self.body_iterator) as body:  # type: ignore[type-var]
                async for data in body:
                    chunk = ensure_bytes(data, self.sep)
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
            self.active = False
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            listening.cancel()  # the stream ended by itself (or failed): stop listening

    async def _say_farewell(self, send: Send) -> None:
        self.active = False
        with anyio.move_on_after(FAREWELL_SECONDS):
            chunk = ensure_bytes(farewell(), self.sep)
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
