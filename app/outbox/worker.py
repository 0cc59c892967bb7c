"""Delivery of outbox messages to their handlers, with retries, backoff and a dead letter."""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from uuid import UUID

from app.core import telemetry
from app.core.db import Database
from app.integrations.tasks import TaskRef
from app.outbox import queries
from app.outbox.models import OutboxMessage, OutboxStatus
from app.outbox.registry import Payload, PermanentTaskError, Registry, TaskContext

logger = logging.getLogger(__name__)

# A message handed to Cloud Tasks but still pending after this long is dispatched again.
REDISPATCH_AFTER = timedelta(minutes=10)


class Outcome(StrEnum):
    done = "done"
    retry = "retry"
    dead = "dead"
    skipped = "skipped"


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    # With a retry: seconds until the message is due again.
    retry_after: float | None = None


def backoff(attempt: int, base_seconds: float = 2.0, cap_seconds: float = 3600.0) -> float:
    """Exponential backoff with jitter: between half and all of base * 2^(attempt-1), and
    at most an hour, so retries of many messages do not arrive together."""
    ceiling = min(cap_seconds, base_seconds * 2.0 ** (attempt - 1))
    return random.uniform(0.5, 1.0) * ceiling  # noqa: S311  (jitter, not a secret)


class OutboxWorker:
    """Delivers messages of `db` to the handlers of `handlers` (which may grow after it is
    built: the handlers are bound to collaborators that exist only once it does)."""

    def __init__(
        self,
        db: Database,
        handlers: Registry,
        *,
        max_attempts: int,
        backoff_base_seconds: float = 2.0,
    ) -> None:
        self.db = db
        self.handlers = handlers
        self.max_attempts = max_attempts
        self.backoff_base_seconds = backoff_base_seconds

    async def process(
        self,
        message_id: UUID,
        *,
        expected_name: str | None = None,
        release_on_failure: bool = True,
    ) -> Outcome:
        """Runs one pending message's handler; safe to call twice or concurrently.
        See `deliver`."""
        delivery = await self.deliver(
            message_id, expected_name=expected_name, release_on_failure=release_on_failure
        )
        return delivery.outcome

    async def deliver(
        self,
        message_id: UUID,
        *,
        expected_name: str | None = None,
        release_on_failure: bool = True,
    ) -> Delivery:
        """Runs one pending message's handler; safe to call twice or concurrently.

        The row stays locked while its handler runs, so a second delivery waits or skips,
        and the handler's writes commit together with the message being marked done.
        `release_on_failure=False` leaves the retry to the caller (Cloud Tasks retries).
        """
        # One span per delivery, its statements inside (a no-op unless tracing is on).
        with telemetry.task_span(message_id) as span:
            delivery = await self._deliver(span, message_id, expected_name, release_on_failure)
            span.set_attribute("outbox.outcome", delivery.outcome.value)
        if delivery.outcome is Outcome.done:
            telemetry.forget_origin(message_id)
        return delivery

    async def _deliver(
        self,
        span: telemetry.Span,
        message_id: UUID,
        expected_name: str | None,
        release_on_failure: bool,
    ) -> Delivery:
        async with self.db.sessionmaker() as session:
            message = await queries.lock_pending(session, message_id)
            if message is None or (expected_name and message.name != expected_name):
                return Delivery(Outcome.skipped)
            registration = self.handlers.get(message.name)
            message.attempts += 1
            span.update_name(f"task {message.name}")
            span.set_attribute("outbox.attempt", message.attempts)
            now = datetime.now(UTC)
            try:
                # Not a permanent failure: during a rolling deploy a message written by a
                # newer revision may reach an instance that does not know its name yet.
                if registration is None:
                    raise LookupError(f"no handler registered for task {message.name!r}")
                async with session.begin_nested():
                    await registration.handler(
                        TaskContext(
                            message_id=message.id,
                            name=message.name,
                            payload=Payload(message.payload),
                            dedup_key=message.dedup_key,
                            attempt=message.attempts,
                            session=session,
                            own_session=self.db.session,
                        )
                    )
            except Exception as exc:
                telemetry.failed(span, exc)
                delivery = self._record_failure(message, exc, now, release_on_failure)
                await session.commit()
                return delivery
            message.status = OutboxStatus.done
            message.completed_at = now
            message.last_error = None
            if registration.forget_payload:
                message.payload = {}
            await session.commit()
        # Tasks enqueued by the handler go out now, like those of a request.
        await self.db.run_after_commit(session)
        return Delivery(Outcome.done)

    def _record_failure(
        self, message: OutboxMessage, exc: Exception, now: datetime, release: bool
    ) -> Delivery:
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        extra = {"message_id": str(message.id), "task": message.name, "attempt": message.attempts}
        if isinstance(exc, PermanentTaskError):
            message.status = OutboxStatus.dead
            logger.error("task failed for good; dead-lettered", extra=extra, exc_info=exc)
            return Delivery(Outcome.dead)
        if message.attempts >= self.max_attempts:
            message.status = OutboxStatus.dead
            logger.error("task failed for the last time; dead-lettered", extra=extra)
            return Delivery(Outcome.dead)
        logger.warning("task failed; will retry", extra=extra, exc_info=exc)
        delay = backoff(message.attempts, self.backoff_base_seconds)
        message.available_at = now + timedelta(seconds=delay)
        if release:
            message.dispatched_at = None
        return Delivery(Outcome.retry, retry_after=delay)

    async def due(self, include_dispatched: bool, limit: int = 500) -> list[TaskRef]:
        """Pending messages whose time has come and that nobody is delivering (as far as we
        know); marks them dispatched."""
        now = datetime.now(UTC)
        async with self.db.session() as session:
            rows = await queries.claim_due(
                session,
                now=now,
                stranded_before=None if include_dispatched else now - REDISPATCH_AFTER,
                limit=limit,
            )
        return [TaskRef(id=message_id, name=name) for message_id, name in rows]

    async def release(self, ids: Sequence[UUID]) -> int:
        """Hands back messages this instance claimed and will not deliver (it is shutting
        down): any instance's next sweep takes them, not one ten minutes later."""
        if not ids:
            return 0
        async with self.db.session() as session:
            return await queries.hand_back(session, ids)

    async def run_due(self) -> int:
        """Delivers every due message now, one after another (jobs and tests)."""
        delivered = 0
        while refs := await self.due(include_dispatched=True):
            # Tasks enqueued by these handlers are due too: loop until none is left.
            for ref in refs:
                if await self.process(ref.id) is not Outcome.skipped:
                    delivered += 1
        return delivered


def retry_after_seconds(delivery: Delivery) -> int:
    """The whole seconds a `Retry-After` header states for a retried delivery (at least 1)."""
    return max(1, math.ceil(delivery.retry_after or 0))


__all__ = ["Delivery", "OutboxWorker", "Outcome", "backoff", "retry_after_seconds"]
