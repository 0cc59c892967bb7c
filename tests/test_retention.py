"""Retention: what `python -m app.jobs prune` deletes, after which periods, and that a
running server does the same by itself."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from app.accounts.models import Account, Role
from app.auth.models import EmailCode, RefreshToken
from app.jobs.prune import prune
from app.outbox.models import OutboxMessage
from app.runtime import Runtime
from tests.support.auth import make_account
from tests.support.net import free_port

ROOT = Path(__file__).resolve().parent.parent


def _ago(**delta: float) -> datetime:
    return datetime.now(UTC) - timedelta(**delta)


async def _seed(runtime: Runtime) -> dict[str, uuid.UUID]:
    """One record on each side of every period; returns the ids that must survive."""
    keep: dict[str, uuid.UUID] = {}
    old_unverified = await make_account(runtime, "squatter@example.com", verified=False)
    new_unverified = await make_account(runtime, "tomorrow@example.com", verified=False)
    verified = await make_account(runtime, "mum@example.com")
    staff = await make_account(runtime, "ed@example.com", Role.editor, verified=False)
    in_session = await make_account(runtime, "busy@example.com", verified=False)
    keep.update(new=new_unverified.id, verified=verified.id, staff=staff.id, busy=in_session.id)
    async with runtime.db.session() as session:
        await session.execute(
            sa.update(Account)
            .where(Account.id.in_([old_unverified.id, verified.id, staff.id, in_session.id]))  # type: ignore[attr-defined]
            .values(created_at=_ago(days=8))
        )
        dead_old = OutboxMessage(
            name="email.send", status="dead", available_at=_ago(days=31), payload={"to": "x@y.z"}
        )
        dead_new = OutboxMessage(name="email.send", status="dead", available_at=_ago(days=2))
        pending = OutboxMessage(name="email.send", status="pending", available_at=_ago(days=40))
        code_old = EmailCode(
            email="mum@example.com",
            purpose="verify",
            code_hash="a" * 64,
            expires_at=_ago(days=2),
            consumed_at=_ago(days=2),
        )
        code_new = EmailCode(
            email="mum@example.com", purpose="reset", code_hash="b" * 64, expires_at=_ago(hours=2)
        )
        squatter_code = EmailCode(
            email="squatter@example.com",
            purpose="verify",
            code_hash="c" * 64,
            expires_at=_ago(minutes=-5),
        )
        ended, live = uuid.uuid4(), uuid.uuid4()
        tokens = [
            # A session whose last token expired 8 days ago: all of it goes.
            RefreshToken(
                account_id=verified.id,
                family_id=ended,
                token_hash=uuid.uuid4().hex * 2,
                expires_at=_ago(days=9),
                family_expires_at=_ago(days=1),
                rotated_at=_ago(days=10),
            ),
            RefreshToken(
                account_id=verified.id,
                family_id=ended,
                token_hash=uuid.uuid4().hex * 2,
                expires_at=_ago(days=8),
                family_expires_at=_ago(days=1),
            ),
            # A live session keeps its long-expired rotated token (reuse detection).
            RefreshToken(
                account_id=verified.id,
                family_id=live,
                token_hash=uuid.uuid4().hex * 2,
                expires_at=_ago(days=20),
                family_expires_at=_ago(days=-60),
                rotated_at=_ago(days=20),
            ),
            RefreshToken(
                account_id=verified.id,
                family_id=live,
                token_hash=uuid.uuid4().hex * 2,
                expires_at=_ago(days=-10),
                family_expires_at=_ago(days=-60),
            ),
            RefreshToken(
                account_id=in_session.id,
                family_id=uuid.uuid4(),
                token_hash=uuid.uuid4().hex * 2,
                expires_at=_ago(days=-10),
                family_expires_at=_ago(days=-60),
            ),
        ]
        session.add_all([dead_old, dead_new, pending, code_old, code_new, squatter_code, *tokens])
        await session.flush()
        keep.update(dead_new=dead_new.id, pending=pending.id, code_new=code_new.id)
    return keep


async def _state(runtime: Runtime) -> dict[str, set[object]]:
    async with runtime.db.session() as session:
        return {
            "accounts": set((await session.execute(sa.select(Account.email))).scalars()),
            "outbox": set((await session.execute(sa.select(OutboxMessage.id))).scalars()),
            "codes": set((await session.execute(sa.select(EmailCode.id))).scalars()),
            "tokens": set((await session.execute(sa.select(RefreshToken.family_id))).scalars()),
            "token_rows": {
                len((await session.execute(sa.select(RefreshToken.id))).scalars().all())
            },
        }


async def test_prune_deletes_after_the_stated_periods_and_only_then(runtime: Runtime) -> None:
    keep = await _seed(runtime)
    summary = await prune(runtime)
    assert summary == (
        "deleted 1 dead letters, 1 email codes, 2 refresh tokens, 1 unverified accounts, "
        "0 idempotency keys, 0 limit days"
    )
    state = await _state(runtime)
    assert state["accounts"] == {
        "tomorrow@example.com",
        "mum@example.com",
        "ed@example.com",
        "busy@example.com",
    }
    assert state["outbox"] == {keep["dead_new"], keep["pending"]}
    assert state["codes"] == {keep["code_new"]}  # the squatter's code went with the account
    assert state["token_rows"] == {3}
    # Idempotent: a second run finds nothing more.
    assert await prune(runtime) == (
        "deleted 0 dead letters, 0 email codes, 0 refresh tokens, 0 unverified accounts, "
        "0 idempotency keys, 0 limit days"
    )


def _env(runtime: Runtime, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": runtime.settings.database_url or "",
        "ENV": "test",
        "SEED_DEMO_CONTENT": "false",
        **extra,
    }


@pytest.mark.timeout(300)  # a process
async def test_prune_command_line(live_runtime: Runtime) -> None:
    await _seed(live_runtime)
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "app.jobs", "prune"],
        cwd=ROOT,
        env=_env(live_runtime),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "job finished" in done.stdout
    assert "squatter@example.com" not in done.stdout + done.stderr  # counts only
    state = await _state(live_runtime)
    assert "squatter@example.com" not in state["accounts"]
    assert len(state["outbox"]) == 2


@pytest.mark.timeout(300)  # a server process
async def test_a_running_server_prunes_by_itself(live_runtime: Runtime) -> None:
    await _seed(live_runtime)
    port = free_port()
    server = subprocess.Popen(  # noqa: ASYNC220  (starting it does not block)
        [sys.executable, "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=_env(live_runtime, RETENTION_PRUNE_INTERVAL_SECONDS="0.5", REDIS_URL=""),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(300):
                state = await _state(live_runtime)
                if "squatter@example.com" not in state["accounts"]:
                    break
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                await asyncio.sleep(0.1)
            live = await http.get(f"http://127.0.0.1:{port}/health/live")
            assert live.status_code == 200
        assert "squatter@example.com" not in state["accounts"]
        assert len(state["codes"]) == 1
    finally:
        server.terminate()
        server.wait(timeout=15)
