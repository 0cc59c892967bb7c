"""A family's export holds its notifications' event log and its stream tickets (when each was
asked for, expired and used; never the ticket), and nothing of another family's; both go with
the event log's retention."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa

from app.auth.deps import caller_from_token
from app.core.errors import Unauthorized
from app.notifications import service as notifications_service
from app.notifications.ticker import tick
from app.runtime import Runtime
from tests.notifications.conftest import Family, send

API = "/api/v1"


async def _ticket(runtime: Runtime, client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    issued = await client.post(f"{API}/notifications/stream-ticket", headers=headers)
    assert issued.status_code == 200
    ticket: str = issued.json()["ticket"]
    return ticket


async def test_the_export_holds_the_event_log_and_stream_tickets_never_a_ticket(
    runtime: Runtime, client: httpx.AsyncClient, fam: Family, other: Family
) -> None:
    first = await send(runtime, fam, "one")
    await send(runtime, fam, "grown-ups", child=False)
    assert (
        await client.post(f"{API}/notifications/{first.id}/read", headers=fam.kid)
    ).status_code == 200
    await send(runtime, other, "theirs")
    used = await _ticket(runtime, client, fam.kid)
    unused = await _ticket(runtime, client, fam.parent)
    theirs = await _ticket(runtime, client, other.parent)
    async with runtime.db.session() as session:
        caller = await notifications_service.redeem_ticket(session, runtime.revocations, used)
    assert str(caller.profile_id) == fam.profile_id
    async with runtime.db.session() as session:
        with pytest.raises(Unauthorized):  # used once, and only once
            await notifications_service.redeem_ticket(session, runtime.revocations, used)

    response = await client.get(f"{API}/accounts/me/export", headers=fam.parent)
    assert response.status_code == 200
    section = response.json()["notifications"]

    events = section["events"]
    assert [(e["seq"], e["type"]) for e in events] == [
        (1, "notification"),
        (2, "notification"),
        (3, "read"),
    ]
    assert [e["profile_id"] for e in events] == [fam.profile_id, None, fam.profile_id]
    assert events[0]["data"]["title"] == "Hello one"
    assert events[2]["data"]["id"] == str(first.id)
    assert all(datetime.fromisoformat(e["created_at"]) for e in events)
    assert all("account_id" not in e for e in events)

    tickets = section["stream_tickets"]
    assert [(t["profile_id"], t["role"]) for t in tickets] == [
        (fam.profile_id, "parent"),
        (None, "parent"),
    ]
    for t in tickets:
        issued = datetime.fromisoformat(t["issued_at"])
        assert datetime.fromisoformat(t["expires_at"]) - issued == timedelta(seconds=60)
        assert set(t) == {"profile_id", "role", "issued_at", "expires_at", "used_at"}
    assert datetime.fromisoformat(tickets[0]["used_at"]) >= datetime.fromisoformat(
        tickets[0]["issued_at"]
    )
    assert tickets[1]["used_at"] is None
    text = json.dumps(response.json())
    for ticket in (used, unused, theirs):
        assert ticket not in text
        assert hashlib.sha256(ticket.encode()).hexdigest() not in text
    assert "theirs" not in text

    # Kept as long as the events are kept for replay, then gone with them.
    retention = timedelta(hours=runtime.settings.notification_event_retention_hours)
    summary = await tick(runtime, now=datetime.now(UTC) + retention + timedelta(minutes=5))
    assert "3 tickets pruned" in summary
    async with runtime.db.session() as session:
        for table in ("stream_ticket", "notification_event"):
            assert await session.scalar(sa.text(f"SELECT count(*) FROM {table}")) == 0, table


async def test_a_ticket_still_asked_for_after_sign_out_is_refused_and_kept_unused(
    runtime: Runtime, client: httpx.AsyncClient, fam: Family
) -> None:
    ticket = await _ticket(runtime, client, fam.kid)
    token = fam.kid["Authorization"].removeprefix("Bearer ")
    assert await caller_from_token(runtime.tokens, runtime.revocations, token)
    assert (await client.post(f"{API}/auth/logout-all", headers=fam.parent)).status_code == 204
    with pytest.raises(Unauthorized):
        async with runtime.db.session() as session:
            await notifications_service.redeem_ticket(session, runtime.revocations, ticket)
    async with runtime.db.session() as session:
        # The refusal rolled the redemption back: the ticket shows as never used.
        assert await session.scalar(sa.text("SELECT count(*) FROM stream_ticket")) == 1
        assert await session.scalar(sa.text("SELECT used_at FROM stream_ticket")) is None
