"""Jobs that every server also runs by itself, on a timer: the in-process stand-in for Cloud
Scheduler, so a laptop or a single instance needs nothing else. Each module declares its ticks
in app/modules.py; the jobs they run are idempotent and take an advisory lock where two
instances must not overlap, so every instance may tick."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.core import telemetry

if TYPE_CHECKING:
    from app.core.config import Settings
    from app.runtime import Runtime

logger = logging.getLogger(__name__)

# The first run waits this long after start-up (or one interval, if shorter): start-up and
# the first requests come first.
FIRST_RUN_AFTER_SECONDS = 60.0


@dataclass(frozen=True)
class Tick:
    """Run `run` every `interval(settings)` seconds; an interval of 0 switches it off."""

    name: str
    run: Callable[[Runtime], Awaitable[str]]
    interval: Callable[[Settings], float]


class Ticker:
    """Runs one job in this process every interval. A failure is logged and retried at the
    next tick; stopping cancels a run in progress, whose transaction then rolls back."""

    def __init__(
        self, runtime: Runtime, name: str, job: Callable[[Runtime], Awaitable[str]], interval: float
    ) -> None:
        self.runtime = runtime
        self.name = name
        self.job = job
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.interval > 0 and self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"tick:{self.name}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        await asyncio.sleep(min(self.interval, FIRST_RUN_AFTER_SECONDS))
        while True:
            # Each run a trace of its own (a no-op unless tracing is on), its log lines in it.
            with telemetry.tick_span(self.name) as span:
                try:
                    await self.job(self.runtime)
                except Exception as exc:
                    telemetry.failed(span, exc)
                    logger.exception("periodic job failed", extra={"job": self.name})
            await asyncio.sleep(self.interval)
