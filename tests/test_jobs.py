"""Batch jobs: what each does, and that each runs as its own process (`python -m app.jobs`)
seeing exactly the modules the server sees: content's assets survive the cleanup."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.catalog.models import Theme
from app.core.config import Settings
from app.jobs.outbox import drain_outbox, prune_outbox
from app.media import service as media_service
from app.media.models import MediaAsset
from app.modules import jobs
from app.outbox import service as outbox
from app.outbox.models import OutboxMessage
from app.runtime import Runtime
from tests.support.factories import stored_asset
from tests.support.smtp import SmtpServer

ROOT = Path(__file__).resolve().parent.parent
LONG_AGO = datetime.now(UTC) - timedelta(days=3)


def _documented_jobs() -> set[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Batch jobs", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z-]+)` \|", section, flags=re.MULTILINE))


def _run_job(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url or "",
        "DATA_DIR": str(settings.data_dir),
        "ENV": "test",
    }
    return subprocess.run(
        [sys.executable, "-m", "app.jobs", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


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


async def test_cleanup_refuses_to_run_when_no_module_declares_references(
    runtime: Runtime,
) -> None:
    async with runtime.db.session() as session:
        asset = await stored_asset(session, runtime.storage, created_at=LONG_AGO)
    async with runtime.db.session() as session:
        with pytest.raises(RuntimeError, match="references"):
            await media_service.cleanup(session, runtime.storage, [])
    async with runtime.db.session() as session:
        assert await session.get(MediaAsset, asset.id) is not None
    assert runtime.storage.object_path(asset.key).exists()  # type: ignore[attr-defined]


def test_every_documented_job_is_in_the_list_of_modules() -> None:
    documented = _documented_jobs()
    assert documented, "README.md lists no batch jobs"
    assert documented <= set(jobs())


@pytest.mark.timeout(300)  # a process per job
async def test_each_job_runs_as_its_own_process_and_keeps_referenced_assets(
    live_runtime: Runtime,
) -> None:
    settings = live_runtime.settings
    storage = live_runtime.storage
    async with live_runtime.db.session() as session:
        cover = await stored_asset(session, storage, name="cover", created_at=LONG_AGO)
        unused = await stored_asset(session, storage, name="unused", created_at=LONG_AGO)
        fresh = await stored_asset(session, storage, name="fresh")
        session.add(Theme(kind="video", slug="stories", title="Stories", cover_asset_id=cover.id))

    for name in sorted(jobs()):
        result = _run_job(settings, name)
        assert result.returncode == 0, f"{name}: {result.stderr}"
        assert "job finished" in result.stdout, name
        async with live_runtime.db.session() as session:
            assert await session.get(MediaAsset, cover.id) is not None, name
        assert storage.object_path(cover.key).exists(), name  # type: ignore[attr-defined]

    async with live_runtime.db.session() as session:
        left = set((await session.execute(sa.select(MediaAsset.id))).scalars())
    # Only the day-old asset nothing uses went, row and file.
    assert left == {cover.id, fresh.id}
    assert not storage.object_path(unused.key).exists()  # type: ignore[attr-defined]
    assert storage.object_path(fresh.key).exists()  # type: ignore[attr-defined]


@pytest.mark.timeout(300)  # a process
def test_unknown_job_is_a_usage_error(settings: Settings) -> None:
    unknown = _run_job(settings, "no-such-job")
    assert unknown.returncode == 2
    assert "usage" in unknown.stderr
    assert "cleanup-uploads" in unknown.stderr
