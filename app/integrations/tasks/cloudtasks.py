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

from app.integrations.tasks.base import TaskRef

logger = logging.getLogger(__name__)

Sweep = Callable[[bool], Awaitable[list[TaskRef]]]


def task_url(base_url: str, name: str) -> str:
    return f"{base_url.rstrip('/')}/internal/tasks/{name}"


class CloudTasksBackend:
    """Creates one named HTTP task per outbox message, calling `POST /internal/tasks/{name}`
    with an OIDC token of the tasks service account. Cloud Tasks retries failed calls; the
    task name makes a repeated submission of the same dispatch a no-op."""

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
    ) -> None:
        self.client = client
        self.queue_path = client.queue_path(project, location, queue)
        self.base_url = base_url
        self.service_account_email = service_account_email
        self.audience = audience
        self.sweep = sweep
        self.poll_seconds = poll_seconds
        self._poller: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Task[None]] = set()

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
        for ref in tasks:
            try:
                await self.create(ref, dispatch)
            except Exception:
                logger.exception("could not create cloud task", extra={"message_id": str(ref.id)})

    async def submit(self, tasks: list[TaskRef]) -> None:
        # Off the request path: the sweep re-dispatches anything this fails to hand over.
        job = asyncio.create_task(self._create_all(tasks))
        self._pending.add(job)
        job.add_done_callback(self._pending.discard)

    async def flush(self) -> None:
        """Waits for submissions under way (tests, shutdown)."""
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    async def start(self) -> None:
        self._poller = asyncio.create_task(self._poll())

    async def stop(self) -> None:
        if self._poller:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
        await self.flush()

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self.poll_seconds)
            try:
                await self._create_all(await self.sweep(False))
            except Exception:
                logger.exception("outbox sweep failed")
