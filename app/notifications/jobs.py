"""Batch entry points: `python -m app.jobs send-reminders` (Cloud Scheduler + a Cloud Run
Job) runs the same tick the servers run in process."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.notifications.ticker import tick

if TYPE_CHECKING:
    from app.runtime import Runtime


async def send_reminders(runtime: Runtime) -> str:
    summary = await tick(runtime)
    # Pushes the tick enqueued are delivered before the job's process exits.
    delivered = await runtime.worker.run_due()
    return f"{summary}; {delivered} tasks delivered"
