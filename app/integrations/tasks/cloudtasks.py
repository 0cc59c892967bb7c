from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from google.api_core import exceptions as google_exceptions
from google.cloud import tasks_v2

from app.integrations.tasks.base import DEFAULT_GRACE_SECONDS, Release, TaskRef, hand_back

logger = logging.getLogger(__name__)

Sweep = Callable[[bool], Awaitable[list[TaskRef]]]


def task_url(base_url: str, name: str) -> str:
    return f"{base_url.rstrip('/')}/internal/tasks/{name}"


class CloudTasksBackend:
    """Creates one named HTTP task per outbox message, calling `POST /internal/tasks/{name}`
    with an OIDC token of the tasks service account. Cloud Tasks retries failed calls; the
    task name makes a repeated submission of the same dispatch a no-op.

    A message it could not hand over (Cloud Tasks failing, or a shutdown before the call
    was made) is handed back (`release`), so any instance's next sweep dispatches it again.
    Deliveries themselves are requests to the service, which its server drains on shutdown.
    """

    def __init__(
        self,
        client: Any,
        *,
        project: str,
        location: str,
        queue: str,
        base_url: str,
        service_account_email: str,
        audience: str,
        sweep: Sweep,
        poll_seconds: float,
        release: Release | None = None,
        grace_seconds: float = DEFAULT_GRACE_SECONDS,
    ) -> None:
        self.client = client
        self.queue_path = client.queue_path(project, location, queue)
        self.base_url = base_url
        self.service_account_email = service_account_email
        self.audience = audience
        self.sweep = sweep
        self.poll_seconds = poll_seconds
        self.release = release
        self.grace_seconds = grace_seconds
        self._poller: asyncio.Task[None] | None = None
        self._pending: dict[asyncio.Task[None], list[TaskRef]] = {}
        self._stopping = asyncio.Event()

    def build_request(self, ref: TaskRef, dispatch: int) -> tasks_v2.CreateTaskRequest:
        return tasks_v2.CreateTaskRequest(
            parent=self.queue_path,
            task=tasks_v2.Task(
                name=f"{self.queue_path}/tasks/{ref.id.hex}-{dispatch}",
                http_request=tasks_v2.HttpRequest(
                    http_method=tasks_v2.HttpMethod.POST,
                    url=task_url(self.base_url, ref.name),
                    headers={"Content-Type": "application/json"},
                    body=json.dumps({"id": str(ref.id)}).encode(),
                    oidc_token=tasks_v2.OidcToken(
                        service_account_email=self.service_account_email,
                        audience=self.audience,
                    ),
                ),
            ),
        )

    async def create(self, ref: TaskRef, dispatch: int) -> None:
        # AlreadyExists: this dispatch was submitted before, nothing to do.
        with contextlib.suppress(google_exceptions.AlreadyExists):
            await self.client.create_task(request=self.build_request(ref, dispatch))

    async def _create_all(self, tasks: list[TaskRef]) -> None:
        # The dispatch number changes once a minute, so the sweep's re-dispatch of a stuck
        # message gets a fresh task name while immediate repeats stay deduplicated.
        dispatch = int(time.time()) // 60
        failed: list[TaskRef] = []
        for ref in tasks:
            try:
                await self.create(ref, dispatch)
            except Exception:
                failed.append(ref)
                logger.exception("could not create cloud task", extra={"message_id": str(ref.id)})
        await hand_back(self.release, [ref.id for ref in failed])

    async def submit(self, tasks: list[TaskRef]) -> None:
        if self._stopping.is_set():
            await hand_back(self.release, [ref.id for ref in tasks])
            return
        # Off the request path: what this fails to hand over is handed back.
        job = asyncio.create_task(self._create_all(tasks))
        self._pending[job] = tasks
        job.add_done_callback(lambda done: self._pending.pop(done, None))

    async def flush(self, within: float | None = None) -> list[TaskRef]:
        """Waits for submissions under way (tests, shutdown), at most `within` seconds;
        returns the tasks of those still unfinished."""
        if not self._pending:
            return []
        _, unfinished = await asyncio.wait(set(self._pending), timeout=within)
        return [ref for job in unfinished for ref in self._pending.get(job, [])]

    async def start(self) -> None:
        self._stopping.clear()
        self._poller = asyncio.create_task(self._poll())

    async def stop(self) -> None:
        """Takes nothing new, lets the calls to Cloud Tasks under way finish within the
        grace period, and hands back the messages they did not hand over."""
        self._stopping.set()
        deadline = asyncio.get_running_loop().time() + self.grace_seconds
        if self._poller:
            # A sweep under way finishes; what it claimed is submitted, so handed back.
            await asyncio.wait({self._poller}, timeout=self.grace_seconds)
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
        unfinished = await self.flush(max(0.0, deadline - asyncio.get_running_loop().time()))
        jobs = list(self._pending)
        for job in jobs:
            job.cancel()
        await asyncio.gather(*jobs, return_exceptions=True)
        await hand_back(self.release, [ref.id for ref in unfinished])

    async def _poll(self) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.poll_seconds)
            if self._stopping.is_set():
                return
            try:
                await self.submit(await self.sweep(False))
            except Exception:
                logger.exception("outbox sweep failed")
