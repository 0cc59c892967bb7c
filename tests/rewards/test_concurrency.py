"""Two devices at once never award twice: completions that really commit, concurrently, on
their own connections (as in production)."""

from __future__ import annotations

import asyncio

import httpx
import sqlalchemy as sa

from app.accounts.models import Role
from app.runtime import Runtime
from tests.progress.fixtures import Clock, at, make_catalogue, make_explorer
from tests.rewards.helpers import define
from tests.support.auth import signed_in


async def _counts(runtime: Runtime, profile_id: str) -> tuple[int, int, int]:
    async with runtime.db.session() as session:
        row = (
            await session.execute(
                sa.text(
                    "SELECT (SELECT count(*) FROM earned_badge"
                    "  WHERE profile_id = CAST(:p AS uuid)),"
                    " (SELECT count FROM reward_tally WHERE profile_id = CAST(:p AS uuid)"
                    "  AND key = 'items'),"
                    " (SELECT count(*) FROM outbox_message WHERE name = 'rewards.badge_earned')"
                ).bindparams(p=profile_id)
            )
        ).one()
    return int(row[0]), int(row[1] or 0), int(row[2])


async def test_two_completions_at_once_award_once(
    live_client: httpx.AsyncClient, live_runtime: Runtime, clock: Clock
) -> None:
    catalogue = await make_catalogue(live_runtime, live_client)
    editor = await signed_in(live_runtime, live_client, "badges@example.com", Role.editor)
    await define(live_client, editor, "first", {"kind": "items_completed", "count": 1})
    await define(live_client, editor, "second", {"kind": "items_completed", "count": 2})
    explorer = await make_explorer(live_runtime, live_client, "twins@example.com")

    # Two devices finish two different items at the same moment: both count, each badge once.
    ebook = {"page": 4, "pages_read": [1, 2, 3, 4], "sent_at": at(clock)}
    diy = {"steps_done": [1, 2, 3], "sent_at": at(clock)}
    answers = await asyncio.gather(
        live_client.put(
            explorer.url(f"/progress/ebook/{catalogue.ebook}"), json=ebook, headers=explorer.kid
        ),
        live_client.put(
            explorer.url(f"/progress/diy/{catalogue.diy}"), json=diy, headers=explorer.kid
        ),
    )
    assert [a.json()["status"] for a in answers] == ["completed", "completed"]
    assert await _counts(live_runtime, explorer.profile_id) == (2, 2, 2)

    # One item finished on two devices at once (and the same heartbeat retried): one count.
    other = await make_explorer(live_runtime, live_client, "phones@example.com")
    answers = await asyncio.gather(
        *(
            live_client.put(
                other.url(f"/progress/diy/{catalogue.diy}"),
                json={"steps_done": [1, 2, 3], "sent_at": at(clock, n % 2)},
                headers=other.kid,
            )
            for n in range(6)
        )
    )
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    earned, items, told = await _counts(live_runtime, other.profile_id)
    assert (earned, items, told) == (1, 1, 3)
