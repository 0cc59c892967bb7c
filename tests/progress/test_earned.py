"""Learning time and completion are earned on the server's clock (app/progress/pace.py): a
heartbeat adds at most what the time since the last one allows, whatever it claims."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import sqlalchemy as sa

from app.accounts.models import Role
from app.progress import pace
from app.runtime import Runtime
from tests.progress.fixtures import Catalogue, Clock, Explorer, at, watch
from tests.support.auth import signed_in
from tests.support.catalogue import add

FOUR_MINUTES = 240_000


async def _item(
    runtime: Runtime, client: httpx.AsyncClient, catalogue: Catalogue, kind: str, **body: Any
) -> str:
    editor = await signed_in(runtime, client, f"editor.{kind}@example.com", Role.editor)
    theme = {"video": "stories", "ebook": "folktales", "diy": "crafts"}[kind]
    return await add(
        client, editor, kind, {"theme_id": catalogue.themes[theme], "title": "Long", **body}
    )


async def _beat(
    client: httpx.AsyncClient, who: Explorer, kind: str, item: str, body: dict[str, Any]
) -> dict[str, Any]:
    response = await client.put(who.url(f"/progress/{kind}/{item}"), json=body, headers=who.kid)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def _row(runtime: Runtime, who: Explorer) -> dict[str, Any]:
    async with runtime.db.session() as session:
        row = (
            await session.execute(
                sa.text(
                    "SELECT covered::text AS covered, covered_units, spent_ms, status, "
                    "completed_at, updated_at, (SELECT coalesce(sum(active_ms), 0) "
                    "FROM learning_time t WHERE t.profile_id = p.profile_id) AS learning_ms "
                    "FROM progress p WHERE profile_id = :p"
                ).bindparams(p=uuid.UUID(who.profile_id))
            )
        ).one()
    return dict(row._mapping)


def _claim_everything(clock: Clock) -> dict[str, Any]:
    return {"position_ms": FOUR_MINUTES, "watched": [[0, FOUR_MINUTES]], "sent_at": at(clock)}


async def test_a_first_heartbeat_claiming_four_minutes_credits_the_allowance_only(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    clock: Clock,
) -> None:
    video = await _item(runtime, client, catalogue, "video", duration_ms=FOUR_MINUTES)
    state = await _beat(client, explorer, "video", video, _claim_everything(clock))
    # What was kept is in the answer: the first 30 seconds, and no more time than that.
    assert pace.FIRST_ALLOWANCE_MS == 30_000
    assert state["watched_ms"] == 30_000
    assert state["status"] == "in_progress"
    assert state["completed_at"] is None
    assert state["seconds_spent"] == 30
    assert state["position_ms"] == FOUR_MINUTES  # where to resume is not a claim of work
    row = await _row(runtime, explorer)
    assert row["covered"] == "{[0,30000)}"
    assert (row["spent_ms"], row["learning_ms"]) == (30_000, 30_000)
    # The same claim replayed at once, and again: nothing more, not even `updated_at`.
    for _ in range(3):
        again = await _beat(client, explorer, "video", video, _claim_everything(clock))
        assert again == state
    assert await _row(runtime, explorer) == row
    # Newer heartbeats sent in a burst (no server time passes): still nothing more.
    for n in range(1, 4):
        body = {**_claim_everything(clock), "sent_at": at(clock, n)}
        assert (await _beat(client, explorer, "video", video, body))["watched_ms"] == 30_000
    assert (await _row(runtime, explorer))["covered"] == "{[0,30000)}"


async def test_a_video_completes_after_about_its_length_of_server_time(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    stranger: Explorer,
    clock: Clock,
) -> None:
    video = await _item(runtime, client, catalogue, "video", duration_ms=FOUR_MINUTES)
    began = clock.now
    # Watched as the app reports it: each heartbeat the ten seconds just played.
    last = await watch(client, explorer, video, clock, FOUR_MINUTES)
    assert last.json()["status"] == "completed"
    done = await _row(runtime, explorer)
    # Completed by the heartbeat that brought it to 90%: 216 s played, 210 s after the first
    # heartbeat (which came after the first ten seconds).
    assert (done["completed_at"] - began).total_seconds() == 210
    assert done["covered"] == f"{{[0,{FOUR_MINUTES})}}"
    assert done["spent_ms"] == FOUR_MINUTES

    # Another explorer claims the whole video every ten seconds: credited at the pace only.
    cheat_began = clock.now
    state = await _beat(client, stranger, "video", video, _claim_everything(clock))
    seen = [state["watched_ms"]]
    while state["status"] != "completed":
        clock.advance(10)
        state = await _beat(client, stranger, "video", video, _claim_everything(clock))
        seen.append(state["watched_ms"])
    took = (clock.now - cheat_began).total_seconds()
    # 90% of four minutes, less the first allowance, at 1.25 times the clock at the most.
    least = (0.9 * FOUR_MINUTES - pace.FIRST_ALLOWANCE_MS) / pace.VIDEO_SPEED / 1000
    assert least <= took <= least + 10, (took, seen)
    assert seen[:3] == [30_000, 42_500, 55_000]


async def test_a_long_silence_earns_one_window_at_most(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    clock: Clock,
) -> None:
    video = await _item(runtime, client, catalogue, "video", duration_ms=FOUR_MINUTES)
    await _beat(client, explorer, "video", video, _claim_everything(clock))
    clock.advance(600)
    state = await _beat(client, explorer, "video", video, _claim_everything(clock))
    window = pace.EARN_WINDOW_MS * pace.VIDEO_SPEED
    assert state["watched_ms"] == 30_000 + window
    assert state["status"] == "in_progress"
    # Time spent never counts a silence either: one minute at most for that heartbeat.
    assert state["seconds_spent"] == 30 + 60


async def test_uneven_heartbeats_lose_nothing(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    clock: Clock,
) -> None:
    # Ten seconds played between heartbeats, but the network delays one by six seconds: the
    # next, on time, comes four seconds after it. What one left unused, the next may use.
    video = catalogue.video
    await _beat(
        client,
        explorer,
        "video",
        video,
        {"position_ms": 10_000, "watched": [[0, 10_000]], "sent_at": at(clock)},
    )
    for n, wait in enumerate((10, 16, 4, 10), start=1):
        clock.advance(wait)
        body = {
            "position_ms": (n + 1) * 10_000,
            "watched": [[n * 10_000, (n + 1) * 10_000]],
            "sent_at": at(clock),
        }
        state = await _beat(client, explorer, "video", video, body)
    assert state["watched_ms"] == 50_000
    assert (await _row(runtime, explorer))["covered"] == "{[0,50000)}"


async def test_ebook_pages_and_diy_steps_are_earned_at_their_own_pace(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    clock: Clock,
) -> None:
    book = await _item(
        runtime, client, catalogue, "ebook", pages=[{"text": f"Page {n}"} for n in range(1, 21)]
    )
    every_page = list(range(1, 21))
    first = await _beat(
        client,
        explorer,
        "ebook",
        book,
        {"page": 20, "pages_read": every_page, "sent_at": at(clock)},
    )
    # 30 seconds' worth at five seconds a page, the earliest pages first.
    assert first["pages_read"] == [1, 2, 3, 4, 5, 6]
    assert first["status"] == "in_progress"
    clock.advance(12)  # two pages' worth, and two seconds left over
    later = {"page": 20, "pages_read": every_page, "sent_at": at(clock)}
    assert (await _beat(client, explorer, "ebook", book, later))["pages_read"] == list(range(1, 9))
    clock.advance(3)  # with the two seconds left over: one page more
    later = {"page": 20, "pages_read": every_page, "sent_at": at(clock)}
    assert (await _beat(client, explorer, "ebook", book, later))["pages_read"] == list(range(1, 10))
    clock.advance(4)
    later = {"page": 20, "pages_read": every_page, "sent_at": at(clock)}
    assert (await _beat(client, explorer, "ebook", book, later))["pages_read"] == list(range(1, 10))
    clock.advance(60)
    later = {"page": 20, "pages_read": every_page, "sent_at": at(clock)}
    read = await _beat(client, explorer, "ebook", book, later)
    assert read["status"] == "completed"  # 9 + 12 pages' worth of a minute covers the rest

    diy = await _item(
        runtime, client, catalogue, "diy", steps=[{"text": f"Step {n}"} for n in range(1, 9)]
    )
    every_step = list(range(1, 9))
    made = await _beat(
        client, explorer, "diy", diy, {"steps_done": every_step, "sent_at": at(clock)}
    )
    assert made["steps_done"] == [1, 2, 3]
    clock.advance(25)
    made = await _beat(
        client, explorer, "diy", diy, {"steps_done": every_step, "sent_at": at(clock)}
    )
    assert made["steps_done"] == [1, 2, 3, 4, 5]
    assert made["status"] == "in_progress"
