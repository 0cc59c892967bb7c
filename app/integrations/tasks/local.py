from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from uuid import UUID

from app.integrations.tasks.base import TaskRef

logger = logging.getLogger(__name__)

Deliver = Callable[[UUID], Awaitable[object]]
Sweep = Callable[[bool], Awaitable[list[TaskRef]]]


class LocalTaskBackend:
    """Runs task handlers in this process.

    Submitted messages go to an in-memory queue served by a few workers; a poller sweeps the
    outbox for messages that are due (retries after their backoff, and rows left behind by a
    crash, which the first sweep after start-up picks up).
    """

    def __init__(
        self, deliver: Deliver, sweep: Sweep, *, poll_seconds: float, workers: int = 2
    ) -> None:
        self.deliver = deliver
        self.sweep = sweep
        self.poll_seconds = poll_seconds
        self.workers = workers
        self.queue: asyncio.Queue[UUID] = asyncio.Queue()
        self._queued: set[UUID] = set()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._work()) for _ in range(self.workers)]
        self._tasks.append(asyncio.create_task(self._poll()))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def submit(self, tasks: list[TaskRef]) -> None:
        for ref in tasks:
            if ref.id not in self._queued:
                self._queued.add(ref.id)
                self.queue.put_nowait(ref.id)

    async def _work(self) -> None:
        while True:
            message_id = await self.queue.get()
            try:
                await self.deliver(message_id)
            except Exception:
                logger.exception("task delivery crashed", extra={"message_id": str(message_id)})
            finally:
                self._queued.discard(message_id)

    async def _poll(self) -> None:
        first = True
        failing = False
        while True:
            try:
                await self.submit(await self.sweep(first))
                first = False
                if failing:
                    failing = False
                    logger.info("outbox sweep works again")
            except Exception as exc:
                # A database outage fails every poll: the traceback once, then one line each.
                if failing:
                    logger.warning("outbox sweep still failing", extra={"error": repr(exc)})
                else:
                    failing = True
                    logger.exception("outbox sweep failed")
            await asyncio.sleep(self.poll_seconds)
