"""Shared by the badge tests: defining badges, finishing items through heartbeats as the app
sends them, and reading what an explorer earned."""

from __future__ import annotations

from typing import Any

import httpx
import sqlalchemy as sa

from app.runtime import Runtime
from tests.progress.fixtures import Clock, Explorer, at, watch

ADMIN = "/api/v1/admin/badges"


async def define(
    client: httpx.AsyncClient,
    editor: dict[str, str],
    slug: str,
    criterion: dict[str, Any],
    **extra: Any,
) -> dict[str, Any]:
    body = {"slug": slug, "title": slug.replace("-", " ").title(), "criterion": criterion}
    response = await client.post(ADMIN, json={**body, **extra}, headers=editor)
    assert response.status_code == 201, response.text
    badge: dict[str, Any] = response.json()
    return badge


async def finish_video(
    client: httpx.AsyncClient, who: Explorer, video: str, clock: Clock
) -> httpx.Response:
    """Plays the whole (100 s) video as the app does: completed at the heartbeat past 90%."""
    clock.advance(30)
    return await watch(client, who, video, clock, 100_000)


async def finish_ebook(
    client: httpx.AsyncClient, who: Explorer, ebook: str, clock: Clock, *, read_aloud: bool
) -> httpx.Response:
    """The four pages in one heartbeat (a first heartbeat may add six)."""
    clock.advance(30)
    response = await client.put(
        who.url(f"/progress/ebook/{ebook}"),
        json={
            "page": 4,
            "pages_read": [1, 2, 3, 4],
            "read_aloud": read_aloud,
            "sent_at": at(clock),
        },
        headers=who.kid,
    )
    assert response.status_code == 200, response.text
    return response


async def finish_diy(
    client: httpx.AsyncClient, who: Explorer, diy: str, clock: Clock
) -> httpx.Response:
    """The three steps in one heartbeat (a first heartbeat may add three)."""
    clock.advance(30)
    response = await client.put(
        who.url(f"/progress/diy/{diy}"),
        json={"steps_done": [1, 2, 3], "sent_at": at(clock)},
        headers=who.kid,
    )
    assert response.status_code == 200, response.text
    return response


async def earned(client: httpx.AsyncClient, who: Explorer) -> list[str]:
    """The titles of the badges the explorer earned, newest first."""
    response = await client.get(who.url("/badges"), headers=who.kid)
    assert response.status_code == 200, response.text
    return [e["badge"]["title"] for e in response.json()["earned"]]


async def awards(runtime: Runtime, profile_id: str) -> int:
    async with runtime.db.session() as session:
        value = await session.scalar(
            sa.text(
                "SELECT count(*) FROM earned_badge WHERE profile_id = CAST(:p AS uuid)"
            ).bindparams(p=profile_id)
        )
    return int(value or 0)
