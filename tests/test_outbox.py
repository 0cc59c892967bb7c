"""Background work is written with the request's transaction and delivered after commit,
at least once, with retries, backoff and a dead letter."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import APIRouter

from app.core.db import SessionDep
from app.integrations.tasks.base import TaskRef
from app.integrations.tasks.local import LocalTaskBackend
from app.outbox import service as outbox
from app.outbox.models import OutboxMessage
from app.outbox.registry import PermanentTaskError, Registration, TaskContext
from app.outbox.worker import Outcome, backoff
from app.runtime import Runtime

calls: list[dict[str, Any]] = []
failures: dict[str, int] = {}


async def record(ctx: TaskContext) -> None:
    calls.append({"payload": ctx.payload, "attempt": ctx.attempt, "dedup_key": ctx.dedup_key})


async def flaky(ctx: TaskContext) -> None:
    remaining = failures.get(ctx.payload["key"], 0)
    if remaining:
        failures[ctx.payload["key"]] = remaining - 1
        raise ConnectionError("provider unavailable")
    calls.append({"payload": ctx.payload, "attempt": ctx.attempt})


async def chain(ctx: TaskContext) -> None:
    await outbox.enqueue(ctx.session, "test.record", {"from": "chain"}, dedup_key="chained")


async def refuses(ctx: TaskContext) -> None:
    await outbox.enqueue(ctx.session, "test.record", {"from": "refuses"})
    raise PermanentTaskError("the picture is not an image")


async def reads_an_id(ctx: TaskContext) -> None:
    calls.append({"asset": str(uuid.UUID(ctx.payload["asset_id"]))})


TEST_HANDLERS = {
    "test.record": Registration(record),
    "test.flaky": Registration(flaky),
    "test.chain": Registration(chain),
    "test.refuses": Registration(refuses),
    "test.reads-an-id": Registration(reads_an_id),
}


@pytest.fixture(autouse=True)
def _reset() -> None:
    calls.clear()
    failures.clear()


@pytest.fixture(autouse=True)
def _test_tasks(request: pytest.FixtureRequest) -> None:
    """This file's handlers, on the worker of whichever runtime the test uses."""
    for name in ("runtime", "live_runtime"):
        if name in request.fixturenames:
            request.getfixturevalue(name).worker.handlers.update(TEST_HANDLERS)


routes = APIRouter()


@routes.post("/test/enqueue")
async def enqueue(session: SessionDep, fail: bool = False, key: str | None = None) -> dict:
    message_id = await outbox.enqueue(session, "test.record", {"n": 1}, dedup_key=key)
    if fail:
        raise RuntimeError("the request fails after enqueueing")
    return {"id": str(message_id) if message_id else None}


async def _messages(runtime: Runtime) -> list[OutboxMessage]:
    async with runtime.db.session() as session:
        return list((await session.execute(sa.select(OutboxMessage))).scalars())


@pytest.fixture
def app_client(routes_client: httpx.AsyncClient) -> httpx.AsyncClient:
    return routes_client


async def test_committed_request_hands_its_task_to_the_backend(
    runtime: Runtime, app_client: httpx.AsyncClient
) -> None:
    response = await app_client.post("/test/enqueue")
    assert response.status_code == 200
    [message] = await _messages(runtime)
    assert str(message.id) == response.json()["id"]
    assert message.status == "pending"
    assert message.dispatched_at is not None
    backend = runtime.tasks
    assert isinstance(backend, LocalTaskBackend)
    assert backend.queue.get_nowait() == message.id
    assert calls == []  # nothing ran inline

    assert await runtime.worker.run_due() == 1
    assert calls == [{"payload": {"n": 1}, "attempt": 1, "dedup_key": None}]
    [message] = await _messages(runtime)
    assert message.status == "done"
    assert message.completed_at is not None


async def test_failed_request_leaves_no_task(
    runtime: Runtime, app_client: httpx.AsyncClient
) -> None:
    response = await app_client.post("/test/enqueue", params={"fail": True})
    assert response.status_code == 500
    assert await _messages(runtime) == []
    assert isinstance(runtime.tasks, LocalTaskBackend)
    assert runtime.tasks.queue.empty()


async def test_same_dedup_key_runs_once(runtime: Runtime, app_client: httpx.AsyncClient) -> None:
    first = await app_client.post("/test/enqueue", params={"key": "welcome:42"})
    second = await app_client.post("/test/enqueue", params={"key": "welcome:42"})
    assert first.json()["id"] is not None
    assert second.json()["id"] is None
    await runtime.worker.run_due()
    await runtime.worker.run_due()
    assert len(calls) == 1
    assert calls[0]["dedup_key"] == "welcome:42"


async def test_delivering_twice_runs_the_handler_once(runtime: Runtime) -> None:
    async with runtime.db.session() as session:
        message_id = await outbox.enqueue(session, "test.record", {"n": 2})
    assert message_id
    assert await runtime.worker.process(message_id) is Outcome.done
    assert await runtime.worker.process(message_id) is Outcome.skipped
    assert len(calls) == 1


async def test_failures_back_off_then_succeed(runtime: Runtime) -> None:
    failures["a"] = 2
    async with runtime.db.session() as session:
        message_id = await outbox.enqueue(session, "test.flaky", {"key": "a"})
    assert message_id
    before = datetime.now(UTC)
    assert await runtime.worker.process(message_id) is Outcome.retry
    [message] = await _messages(runtime)
    assert message.status == "pending"
    assert message.attempts == 1
    assert message.last_error == "ConnectionError: provider unavailable"
    assert message.dispatched_at is None
    assert message.available_at > before
    # Not due yet: a sweep does not pick it up before its backoff has passed.
    assert await runtime.worker.due(include_dispatched=False) == []

    assert await runtime.worker.process(message_id) is Outcome.retry
    assert await runtime.worker.process(message_id) is Outcome.done
    assert calls == [{"payload": {"key": "a"}, "attempt": 3}]


async def test_exhausted_retries_dead_letter_the_message(runtime: Runtime) -> None:
    failures["b"] = 100
    async with runtime.db.session() as session:
        message_id = await outbox.enqueue(session, "test.flaky", {"key": "b"})
    assert message_id
    outcomes = [
        await runtime.worker.process(message_id) for _ in range(runtime.settings.tasks_max_attempts)
    ]
    assert outcomes[-1] is Outcome.dead
    assert set(outcomes[:-1]) == {Outcome.retry}
    [message] = await _messages(runtime)
    assert message.status == "dead"
    assert message.attempts == runtime.settings.tasks_max_attempts
    assert await runtime.worker.process(message_id) is Outcome.skipped


@pytest.mark.parametrize(
    ("name", "payload", "error"),
    [
        ("test.refuses", {}, "PermanentTaskError: the picture is not an image"),
        ("test.reads-an-id", {"id": "x"}, "UnreadablePayload: the payload has no 'asset_id'"),
    ],
)
async def test_a_failure_no_retry_cures_is_dead_lettered_at_once(
    runtime: Runtime, name: str, payload: dict[str, Any], error: str
) -> None:
    async with runtime.db.session() as session:
        message_id = await outbox.enqueue(session, name, payload)
    assert message_id
    assert await runtime.worker.process(message_id) is Outcome.dead
    [message] = await _messages(runtime)  # what the handler wrote is rolled back
    assert message.status == "dead"
    assert message.attempts == 1
    assert message.last_error == error
    assert await runtime.worker.process(message_id) is Outcome.skipped
    assert await runtime.worker.run_due() == 0
    assert calls == []


async def test_handler_writes_commit_with_the_message(runtime: Runtime) -> None:
    async with runtime.db.session() as session:
        await outbox.enqueue(session, "test.chain", {})
    await runtime.worker.run_due()
    names = {(m.name, m.status) for m in await _messages(runtime)}
    assert names == {("test.chain", "done"), ("test.record", "done")}
    assert calls == [{"payload": {"from": "chain"}, "attempt": 1, "dedup_key": "chained"}]


async def test_unknown_task_name_is_refused(runtime: Runtime) -> None:
    async with runtime.db.sessionmaker() as session:
        with pytest.raises(LookupError):
            await outbox.enqueue(session, "test.no-such-task", {})
    assert await _messages(runtime) == []


def test_runtime_and_outbox_do_not_import_each_other() -> None:
    """The runtime is infrastructure; the outbox worker is built beside it (app.bootstrap)."""
    root = Path(__file__).resolve().parent.parent / "app"
    runtime_source = (root / "runtime.py").read_text()
    assert "app.outbox" not in runtime_source
    for path in (root / "outbox").glob("*.py"):
        source = path.read_text()
        assert "app.runtime" not in source, path
        assert "app.deps" not in source, path  # which imports the runtime


def test_backoff_grows_and_is_capped() -> None:
    assert 1.0 <= backoff(1) <= 2.0
    assert 16.0 <= backoff(5) <= 32.0
    assert backoff(40) <= 3600.0


async def test_local_worker_delivers_in_the_background(live_runtime: Runtime) -> None:
    await live_runtime.start()
    async with live_runtime.db.session() as session:
        await outbox.enqueue(session, "test.record", {"n": "background"})
    for _ in range(200):
        if calls:
            break
        await asyncio.sleep(0.02)
    assert calls == [{"payload": {"n": "background"}, "attempt": 1, "dedup_key": None}]


async def test_rows_left_by_a_crash_are_delivered_on_next_start(live_runtime: Runtime) -> None:
    # As if the process died right after committing: pending and marked dispatched.
    async with live_runtime.db.session() as session:
        await outbox.enqueue(session, "test.record", {"n": "orphan"})
        outbox.take_enqueued(session)
        await session.execute(
            sa.update(OutboxMessage).values(dispatched_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    await live_runtime.start()
    for _ in range(200):
        if calls:
            break
        await asyncio.sleep(0.02)
    assert calls == [{"payload": {"n": "orphan"}, "attempt": 1, "dedup_key": None}]


async def test_local_worker_dead_letters_an_unreadable_payload_after_one_try(
    live_runtime: Runtime,
) -> None:
    await live_runtime.start()
    async with live_runtime.db.session() as session:
        message_id = await outbox.enqueue(session, "test.reads-an-id", {"asset": "no id"})
    for _ in range(200):
        if (messages := await _messages(live_runtime))[0].status != "pending":
            break
        await asyncio.sleep(0.02)
    [message] = messages
    assert message.id == message_id
    assert message.status == "dead"
    assert message.attempts == 1
    assert calls == []


async def test_a_message_submitted_again_while_it_is_delivered_is_delivered_once_more() -> None:
    """A sweep's claim can hold the row while a worker looks at it (the worker skips it), then
    submit it while that worker has not yet let go: it must not be dropped until the next
    poll."""
    delivered: list[uuid.UUID] = []
    first_started = asyncio.Event()
    let_go = asyncio.Event()

    async def deliver(message_id: uuid.UUID) -> None:
        delivered.append(message_id)
        if len(delivered) == 1:
            first_started.set()
            await let_go.wait()

    async def sweep(first: bool) -> list[TaskRef]:
        return []

    backend = LocalTaskBackend(deliver, sweep, poll_seconds=60, workers=1, grace_seconds=1)
    await backend.start()
    ref = TaskRef(id=uuid.uuid4(), name="test.record")
    try:
        await backend.submit([ref])
        async with asyncio.timeout(3):
            await first_started.wait()
        await backend.submit([ref])
        let_go.set()
        async with asyncio.timeout(3):
            while len(delivered) < 2:
                await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        assert delivered == [ref.id, ref.id]  # once more, not once per submit after that
    finally:
        await backend.stop()
