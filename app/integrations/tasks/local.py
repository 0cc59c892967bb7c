from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from uuid import UUID

from app.integrations.tasks.base import DEFAULT_GRACE_SECONDS, Release, TaskRef, hand_back

logger = logging.getLogger(__name__)

Deliver = Callable[[UUID], Awaitable[object]]
Sweep = Callable[[bool], Awaitable[list[TaskRef]]]


class LocalTaskBackend:
    """Runs task handlers in this process.

    Submitted messages go to an in-memory queue served by a few workers; a poller sweeps the
    outbox for messages that are due (retries after their backoff, and rows left behind by a
    crash, which the first sweep after start-up picks up).

    `stop()` (shutdown) takes nothing new, hands back at once what it had queued but not
    started (`release`: any instance's next sweep takes it), lets the deliveries under way
    finish within `grace_seconds`, then cancels the rest (their transactions roll back) and
    hands those back too.
    """

    def __init__(
        self,
        deliver: Deliver,
        sweep: Sweep,
        release: Release | None = None,
        *,
        poll_seconds: float,
        workers: int = 2,
        grace_seconds: float = DEFAULT_GRACE_SECONDS,
    ) -> None:
        self.deliver = deliver
        self.sweep = sweep
        self.release = release
        self.poll_seconds = poll_seconds
        self.workers = workers
        self.grace_seconds = grace_seconds
        self.queue: asyncio.Queue[UUID] = asyncio.Queue()
        self._queued: set[UUID] = set()
        self._workers: list[asyncio.Task[None]] = []
        self._poller: asyncio.Task[None] | None = None
        # Each worker's delivery under way.
        self._running: dict[asyncio.Task[None], UUID] = {}
        # Submitted again while being delivered: that delivery may have skipped a row the
        # submitter's claim still held, so it is queued once more when the delivery ends.
        self._again: set[UUID] = set()
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        self._stopping.clear()
        self._workers = [asyncio.create_task(self._work()) for _ in range(self.workers)]
        self._poller = asyncio.create_task(self._poll())

    async def stop(self) -> None:
        deadline = asyncio.get_running_loop().time() + self.grace_seconds
        self._stopping.set()
        # Idle workers wait on the queue: they stop now (an item a cancelled get() was
        # about to return stays in the queue).
        for task in self._workers:
            if task not in self._running:
                task.cancel()
        await hand_back(self.release, self._drain())
        # A sweep under way finishes (what it claimed is handed back by `submit`).
        busy = [*self._running, *([self._poller] if self._poller else [])]
        if busy:
            timeout = max(0.0, deadline - asyncio.get_running_loop().time())
            await asyncio.wait(busy, timeout=timeout)
        unfinished = [self._running[t] for t in self._running if not t.done()]
        if unfinished:
            logger.warning(
                "tasks still running at the end of the grace period; cancelled",
                extra={"tasks": len(unfinished)},
            )
        for task in [*self._workers, *([self._poller] if self._poller else [])]:
            task.cancel()
        for task in [*self._workers, *([self._poller] if self._poller else [])]:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._workers, self._poller = [], None
        await hand_back(self.release, unfinished + self._drain())

    def _drain(self) -> list[UUID]:
        """Empties the queue: what no worker started."""
        ids: list[UUID] = []
        while not self.queue.empty():
            message_id = self.queue.get_nowait()
            self._queued.discard(message_id)
            ids.append(message_id)
        return ids

    async def submit(self, tasks: list[TaskRef]) -> None:
        if self._stopping.is_set():
            # Shutting down: work committed now (a handler's follow-up, a last sweep) is
            # handed back for another instance rather than queued here.
            await hand_back(self.release, [ref.id for ref in tasks])
            return
        running = set(self._running.values())
        for ref in tasks:
            if ref.id in running:
                self._again.add(ref.id)
            elif ref.id not in self._queued:
                self._queued.add(ref.id)
                self.queue.put_nowait(ref.id)

    async def _work(self) -> None:
        me = asyncio.current_task()
        assert me is not None
        while not self._stopping.is_set():
            message_id = await self.queue.get()
            self._running[me] = message_id
            try:
                await self.deliver(message_id)
            except Exception:
                logger.exception("task delivery crashed", extra={"message_id": str(message_id)})
            finally:
                del self._running[me]
                if message_id in self._again:
                    # A second delivery of a message already done skips at once.
                    self._again.discard(message_id)
                    self.queue.put_nowait(message_id)
                else:
                    self._queued.discard(message_id)

    async def _poll(self) -> None:
        first = True
        failing = False
        while not self._stopping.is_set():
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
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.poll_seconds)
