"""Shutting down hands work back: what an instance queued but did not start is free for any
other at once, what it runs finishes within the grace period or is rolled back and handed
back, and an email the provider accepted is never sent a second time."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from functools import partial

import pytest
import sqlalchemy as sa

from app.emails import service as emails
from app.emails import tasks as email_tasks
from app.integrations.email import EmailMessage, EmailSender
from app.integrations.tasks.local import LocalTaskBackend
from app.outbox import service as outbox
from app.outbox.models import OutboxMessage, OutboxReceipt
from app.outbox.registry import Registration, TaskContext
from app.outbox.worker import Outcome
from app.runtime import Runtime
from tests.support.smtp import SmtpServer

ran: list[str] = []
started = asyncio.Event()
gate = asyncio.Event()


async def record(ctx: TaskContext) -> None:
    ran.append(ctx.payload["n"])


async def held(ctx: TaskContext) -> None:
    """Runs until the test opens the gate, after writing something of its own."""
    await outbox.enqueue(ctx.session, "test.record", {"n": "follow-up"})
    started.set()
    await gate.wait()
    ran.append("held")


async def slow(ctx: TaskContext) -> None:
    started.set()
    await asyncio.sleep(0.4)
    ran.append("slow")


HANDLERS = {
    "test.record": Registration(record),
    "test.held": Registration(held),
    "test.slow": Registration(slow),
}


@pytest.fixture(autouse=True)
def _handlers(live_runtime: Runtime) -> None:
    ran.clear()
    # Events bind to the loop that first waits on them: each test gets fresh ones.
    global started, gate
    started, gate = asyncio.Event(), asyncio.Event()
    live_runtime.worker.handlers.update(HANDLERS)


async def _backend(runtime: Runtime, grace_seconds: float, workers: int = 1) -> LocalTaskBackend:
    """The runtime's local backend, with one worker and a short grace period."""
    worker = runtime.worker
    backend = LocalTaskBackend(
        worker.process,
        worker.due,
        worker.release,
        poll_seconds=60,
        workers=workers,
        grace_seconds=grace_seconds,
    )
    runtime.tasks = backend
    await backend.start()
    return backend


async def _enqueue(runtime: Runtime, name: str, payload: dict[str, object]) -> uuid.UUID:
    async with runtime.db.session() as session:
        message_id = await outbox.enqueue(session, name, payload)
    assert message_id is not None
    return message_id


async def _rows(runtime: Runtime) -> dict[uuid.UUID, OutboxMessage]:
    async with runtime.db.session() as session:
        return {m.id: m for m in (await session.execute(sa.select(OutboxMessage))).scalars()}


async def _until(check: Callable[[], Awaitable[bool]], seconds: float = 3.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"not within {seconds} s")


async def test_stopping_hands_queued_tasks_to_any_instance_at_once(live_runtime: Runtime) -> None:
    backend = await _backend(live_runtime, grace_seconds=5.0)
    held_id = await _enqueue(live_runtime, "test.held", {})
    async with asyncio.timeout(3):
        await started.wait()
    queued = {await _enqueue(live_runtime, "test.record", {"n": n}) for n in range(3)}
    # Claimed by this instance while in its memory: another instance's sweep leaves them.
    assert await live_runtime.worker.due(include_dispatched=False) == []

    stopping = asyncio.create_task(backend.stop())

    async def handed_back() -> bool:
        rows = await _rows(live_runtime)
        return all(rows[i].dispatched_at is None for i in queued)

    # While the running task still holds the gate, the queued ones are already free.
    await _until(handed_back, seconds=2.0)
    assert not stopping.done()
    taken = await live_runtime.worker.due(include_dispatched=False)
    assert {ref.id for ref in taken} == queued
    rows = await _rows(live_runtime)
    assert all(rows[i].status == "pending" and rows[i].attempts == 0 for i in queued)

    gate.set()
    await stopping
    assert ran == ["held"]  # none of the queued ones ran here
    rows = await _rows(live_runtime)
    assert rows[held_id].status == "done"
    # Its follow-up, committed while stopping, was handed back rather than queued here.
    [follow_up] = [m for m in rows.values() if m.payload == {"n": "follow-up"}]
    assert follow_up.status == "pending"
    assert follow_up.dispatched_at is None


async def test_a_running_task_finishes_within_the_grace_period(live_runtime: Runtime) -> None:
    backend = await _backend(live_runtime, grace_seconds=3.0)
    slow_id = await _enqueue(live_runtime, "test.slow", {})
    async with asyncio.timeout(3):
        await started.wait()
    began = time.monotonic()
    await backend.stop()
    assert time.monotonic() - began < 3.0
    assert ran == ["slow"]
    rows = await _rows(live_runtime)
    assert rows[slow_id].status == "done"
    assert rows[slow_id].attempts == 1

    # Stopped: a task committed now is handed back, not run here.
    late = await _enqueue(live_runtime, "test.record", {"n": "late"})
    await asyncio.sleep(0.1)
    assert ran == ["slow"]
    assert (await _rows(live_runtime))[late].dispatched_at is None


async def test_a_task_still_running_after_the_grace_period_is_rolled_back_and_handed_back(
    live_runtime: Runtime,
) -> None:
    backend = await _backend(live_runtime, grace_seconds=0.3)
    held_id = await _enqueue(live_runtime, "test.held", {})
    async with asyncio.timeout(3):
        await started.wait()
    began = time.monotonic()
    await backend.stop()
    assert time.monotonic() - began < 2.0
    assert ran == []
    rows = await _rows(live_runtime)
    # Its writes are gone (no follow-up), and it is as if never tried, free for anyone.
    assert set(rows) == {held_id}
    assert rows[held_id].status == "pending"
    assert rows[held_id].attempts == 0
    assert rows[held_id].dispatched_at is None
    assert [ref.id for ref in await live_runtime.worker.due(include_dispatched=False)] == [held_id]


async def _email(runtime: Runtime, to: str) -> uuid.UUID:
    async with runtime.db.session() as session:
        message_id = await emails.send_email(session, to=to, subject="Your code", text="123456")
    assert message_id is not None
    return message_id


async def _receipts(runtime: Runtime, message_id: uuid.UUID) -> list[str]:
    async with runtime.db.session() as session:
        rows = await session.execute(
            sa.select(OutboxReceipt.effect).where(OutboxReceipt.message_id == message_id)  # type: ignore[arg-type]
        )
        return list(rows.scalars())


class SlowToReturn:
    """A provider that accepts the message, then takes a while to say so."""

    def __init__(self, inner: EmailSender, seconds: float) -> None:
        self.inner = inner
        self.seconds = seconds

    async def send(self, message: EmailMessage) -> None:
        await self.inner.send(message)
        started.set()
        await asyncio.sleep(self.seconds)


async def test_an_email_handed_over_during_shutdown_is_not_sent_again(
    live_runtime: Runtime, smtp_server: SmtpServer
) -> None:
    worker = live_runtime.worker
    real = worker.handlers[email_tasks.SEND_EMAIL]
    worker.handlers[email_tasks.SEND_EMAIL] = Registration(
        partial(
            email_tasks.send_email,
            email=SlowToReturn(live_runtime.email, 0.6),
            sender=live_runtime.settings.email_from,
        ),
        forget_payload=True,
    )
    backend = await _backend(live_runtime, grace_seconds=0.1)
    message_id = await _email(live_runtime, "shutdown@example.com")
    async with asyncio.timeout(3):
        await started.wait()
    # The grace period ends while the provider has the message: the delivery waits for its
    # answer, records it, and is then rolled back and handed back.
    await backend.stop()
    assert len(await smtp_server.receive("shutdown@example.com")) == 1
    rows = await _rows(live_runtime)
    assert rows[message_id].status == "pending"
    assert rows[message_id].dispatched_at is None
    assert await _receipts(live_runtime, message_id) == [email_tasks.SENT]

    # Another instance takes it at once and sends nothing.
    worker.handlers[email_tasks.SEND_EMAIL] = real
    assert [ref.id for ref in await worker.due(include_dispatched=False)] == [message_id]
    assert await worker.process(message_id) is Outcome.done
    await asyncio.sleep(0.2)
    assert len(smtp_server.to("shutdown@example.com")) == 1
