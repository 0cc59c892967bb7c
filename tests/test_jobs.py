from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from app.core.config import Settings
from app.jobs.outbox import drain_outbox, prune_outbox
from app.outbox import service as outbox
from app.outbox.models import OutboxMessage
from app.runtime import Runtime
from tests.support.smtp import SmtpServer

ROOT = Path(__file__).resolve().parent.parent


async def test_drain_delivers_due_messages(runtime: Runtime, smtp_server: SmtpServer) -> None:
    async with runtime.db.session() as session:
        await outbox.enqueue(
            session, "email.send", {"to": "gran@example.com", "subject": "Hi", "text": "Hello"}
        )
    assert await drain_outbox(runtime) == "delivered 1 task(s)"
    smtp_server.wait_for("gran@example.com")
    assert await drain_outbox(runtime) == "delivered 0 task(s)"


async def test_prune_keeps_recent_and_dead_messages(runtime: Runtime) -> None:
    old = datetime.now(UTC) - timedelta(days=8)
    async with runtime.db.session() as session:
        session.add_all(
            [
                OutboxMessage(name="email.send", status="done", completed_at=old),
                OutboxMessage(name="email.send", status="done", completed_at=datetime.now(UTC)),
                OutboxMessage(name="email.send", status="dead", completed_at=None),
            ]
        )
    assert await prune_outbox(runtime) == "deleted 1 delivered message(s)"
    assert await prune_outbox(runtime) == "deleted 0 delivered message(s)"
    async with runtime.db.session() as session:
        statuses = sorted((await session.execute(sa.select(OutboxMessage.status))).scalars())
    assert statuses == ["dead", "done"]


def test_jobs_command_line(settings: Settings) -> None:
    env = {**os.environ, "DATABASE_URL": settings.database_url or "", "ENV": "test"}
    ok = subprocess.run(
        [sys.executable, "-m", "app.jobs", "prune-outbox"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    assert "job finished" in ok.stdout
    unknown = subprocess.run(
        [sys.executable, "-m", "app.jobs", "no-such-job"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert unknown.returncode == 2
    assert "usage" in unknown.stderr
