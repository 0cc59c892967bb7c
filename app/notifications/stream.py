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

import json
import random
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import anyio
from sse_starlette import ServerSentEvent

from app.auth.deps import Caller
from app.auth.revocation import Revocations
from app.core.db import Database
from app.integrations.broker import Broker
from app.notifications import queries
from app.notifications.service import channel

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
        position, reset = await _start(db, caller.account_id, last_event_id)
        if reset is not None:
            yield reset
        yield ServerSentEvent(data="{}", event="ready", id=str(position), retry=RETRY_MS)
        while True:
            async with db.session() as session:
                rows = await queries.events_after(
                    session, caller.account_id, caller.profile_id, position
                )
            for row in rows:
                position = row.seq
                yield _event(row.seq, row.type, row.data)
            if len(rows) == 200:
                continue  # more to replay
            left = deadline - anyio.current_time()
            if left <= 0:
                yield ServerSentEvent(comment="stream ends; reconnect", retry=RETRY_MS)
                return
            rung = await bell.wait(min(spec.heartbeat_seconds, left))
            if await revocations.is_revoked(caller.account_id, caller.profile_id, opened_us):
                yield ServerSentEvent(event="signed_out", data="{}")
                return
            if not rung and deadline - anyio.current_time() > 0:
                yield ServerSentEvent(comment="heartbeat")
