"""Heartbeats: union of what was really done, completion, reordering, duplicates, time
spent, concurrency and bad input, through the API and the database."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import sqlalchemy as sa

from app.runtime import Runtime
from tests.progress.fixtures import (
    VIDEO_MS,
    Catalogue,
    Clock,
    Explorer,
    at,
    make_catalogue,
    make_explorer,
)


async def beat(
    client: httpx.AsyncClient, who: Explorer, kind: str, item: str, body: dict[str, Any]
) -> httpx.Response:
    return await client.put(who.url(f"/progress/{kind}/{item}"), json=body, headers=who.kid)


async def stored(runtime: Runtime, profile_id: str) -> list[dict[str, Any]]:
    async with runtime.db.session() as session:
        rows = await session.execute(
            sa.text(
                "SELECT kind, item_id, covered::text AS covered, covered_units, spent_ms, "
                "status, completed_at, position_ms FROM progress WHERE profile_id = :p"
            ).bindparams(p=uuid.UUID(profile_id))
        )
        return [dict(r._mapping) for r in rows]


async def test_watched_intervals_are_a_union_and_complete_at_ninety_percent(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    clock: Clock,
) -> None:
    video = catalogue.video
    first = await beat(
        client,
        explorer,
        "video",
        video,
        {"position_ms": 30_000, "watched": [[0, 30_000]], "sent_at": at(clock)},
    )
    assert first.status_code == 200, first.text
    assert first.json()["watched_ms"] == 30_000
    assert first.json()["percent"] == 30
    clock.advance(60)
    # Re-watching the first half counts once; overlapping intervals in one heartbeat too.
    again = await beat(
        client,
        explorer,
        "video",
        video,
        {
            "position_ms": 50_000,
            "watched": [[20_000, 50_000], [30_000, 45_000]],
            "sent_at": at(clock),
        },
    )
    assert again.json()["watched_ms"] == 50_000
    assert again.json()["status"] == "in_progress"
    clock.advance(60)
    almost = await beat(
        client,
        explorer,
        "video",
        video,
        {"position_ms": 89_000, "watched": [[50_000, 89_000]], "sent_at": at(clock)},
    )
    assert almost.json()["watched_ms"] == 89_000
    assert almost.json()["status"] == "in_progress"
    assert almost.json()["completed_at"] is None
    clock.advance(60)
    done = await beat(
        client,
        explorer,
        "video",
        video,
        {"position_ms": 90_000, "watched": [[89_000, 90_000]], "sent_at": at(clock)},
    )
    body = done.json()
    assert body["status"] == "completed"
    assert body["percent"] == 100
    assert body["completed_at"] == clock.now.isoformat().replace("+00:00", "Z")
    [row] = await stored(runtime, explorer.profile_id)
    assert row["covered"] == "{[0,90000)}"
    assert row["status"] == "completed"
    # Completion is stamped once: a later heartbeat neither moves nor undoes it.
    stamped = body["completed_at"]
    clock.advance(60)
    later = await beat(
        client,
        explorer,
        "video",
        video,
        {"position_ms": 1_000, "watched": [], "sent_at": at(clock)},
    )
    assert later.json()["status"] == "completed"
    assert later.json()["completed_at"] == stamped
    assert later.json()["position_ms"] == 1_000


async def test_jumping_to_the_end_completes_nothing(
    client: httpx.AsyncClient, catalogue: Catalogue, explorer: Explorer, clock: Clock
) -> None:
    response = await beat(
        client,
        explorer,
        "video",
        catalogue.video,
        {
            "position_ms": VIDEO_MS,
            "watched": [[0, 5_000], [95_000, VIDEO_MS]],
            "sent_at": at(clock),
        },
    )
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    assert response.json()["watched_ms"] == 10_000
    assert response.json()["position_ms"] == VIDEO_MS


async def test_ebooks_complete_when_every_page_was_read_and_diys_when_every_step_is_done(
    client: httpx.AsyncClient, catalogue: Catalogue, explorer: Explorer, clock: Clock
) -> None:
    read = await beat(
        client,
        explorer,
        "ebook",
        catalogue.ebook,
        {"page": 3, "pages_read": [1, 2, 3, 2], "read_aloud": True, "sent_at": at(clock)},
    )
    assert read.json()["pages_read"] == [1, 2, 3]
    assert read.json()["page"] == 3
    assert read.json()["read_aloud"] is True
    assert read.json()["status"] == "in_progress"
    assert read.json()["percent"] == 75
    clock.advance(30)
    # An older heartbeat (say, from the other device) still counts its pages.
    older = await beat(
        client,
        explorer,
        "ebook",
        catalogue.ebook,
        {"page": 4, "pages_read": [4], "sent_at": at(clock, -3600)},
    )
    assert older.json()["status"] == "completed"
    assert older.json()["page"] == 3  # ...but does not move the bookmark
    assert older.json()["read_aloud"] is True

    made = await beat(
        client, explorer, "diy", catalogue.diy, {"steps_done": [1, 3], "sent_at": at(clock)}
    )
    assert made.json()["steps_done"] == [1, 3]
    assert made.json()["status"] == "in_progress"
    clock.advance(30)
    made = await beat(
        client, explorer, "diy", catalogue.diy, {"steps_done": [2], "sent_at": at(clock)}
    )
    assert made.json()["steps_done"] == [1, 2, 3]
    assert made.json()["status"] == "completed"


async def test_older_heartbeats_never_move_the_position_back_but_their_intervals_count(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    clock: Clock,
) -> None:
    video = catalogue.video
    newer = {"position_ms": 60_000, "watched": [[40_000, 60_000]], "sent_at": at(clock, 20)}
    older = {"position_ms": 20_000, "watched": [[0, 20_000]], "sent_at": at(clock)}
    assert (await beat(client, explorer, "video", video, newer)).status_code == 200
    clock.advance(30)
    late = await beat(client, explorer, "video", video, older)
    assert late.json()["position_ms"] == 60_000
    assert late.json()["watched_ms"] == 40_000
    [row] = await stored(runtime, explorer.profile_id)
    assert row["covered"] == "{[0,20000),[40000,60000)}"
    assert row["position_ms"] == 60_000


async def test_a_duplicate_heartbeat_changes_nothing_and_replays_add_no_time(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    clock: Clock,
) -> None:
    body = {"position_ms": 30_000, "watched": [[0, 30_000]], "sent_at": at(clock)}
    first = (await beat(client, explorer, "video", catalogue.video, body)).json()
    before = await stored(runtime, explorer.profile_id)
    clock.advance(45)
    for _ in range(3):
        again = await beat(client, explorer, "video", catalogue.video, body)
        assert again.json() == first  # updated_at included: nothing changed
    assert await stored(runtime, explorer.profile_id) == before


async def test_seconds_spent_never_grows_faster_than_the_clock(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    clock: Clock,
) -> None:
    # Twenty heartbeats in one burst, each claiming 10 seconds of play with a later sent_at:
    # no time passed on the server between them, so only the first counts.
    for n in range(20):
        body = {
            "position_ms": (n + 1) * 1000,
            "watched": [[n * 1000, (n + 1) * 1000 + 9000]],
            "sent_at": at(clock, n * 10),
        }
        response = await beat(client, explorer, "video", catalogue.video, body)
    assert response.json()["watched_ms"] == 29_000
    assert response.json()["seconds_spent"] == 10
    # Ten seconds pass: ten seconds more at most, however much is claimed.
    clock.advance(10)
    response = await beat(
        client,
        explorer,
        "video",
        catalogue.video,
        {"position_ms": 90_000, "watched": [[30_000, 90_000]], "sent_at": at(clock, 200)},
    )
    assert response.json()["seconds_spent"] == 20
    # eBooks: the time between heartbeats, as long as the server saw that time pass.
    await beat(client, explorer, "ebook", catalogue.ebook, {"page": 1, "sent_at": at(clock)})
    clock.advance(40)
    reading = await beat(
        client,
        explorer,
        "ebook",
        catalogue.ebook,
        {"page": 2, "pages_read": [1], "sent_at": at(clock, 40)},
    )
    assert reading.json()["seconds_spent"] == 40
    async with runtime.db.session() as session:
        total = await session.scalar(
            sa.text("SELECT sum(active_ms) FROM learning_time WHERE profile_id = :p").bindparams(
                p=uuid.UUID(explorer.profile_id)
            )
        )
    assert total == 60_000


async def test_fifty_concurrent_heartbeats_end_with_the_exact_union(
    live_client: httpx.AsyncClient, live_runtime: Runtime, clock: Clock
) -> None:
    catalogue = await make_catalogue(live_runtime, live_client)
    explorer = await make_explorer(live_runtime, live_client, "busy@example.com")
    # 50 disjoint slices of half a second, one every two seconds of the first 100, plus
    # duplicates of some of them, all at once (25 seconds in all: within what a first
    # moment may add, so the bound on earning takes nothing away here).
    slices = [[n * 2000, n * 2000 + 500] for n in range(50)]
    bodies = [
        {"position_ms": s[1], "watched": [s], "sent_at": at(clock, n)} for n, s in enumerate(slices)
    ]
    responses = await asyncio.gather(
        *(beat(live_client, explorer, "video", catalogue.video, b) for b in bodies + bodies[:10])
    )
    assert all(r.status_code == 200 for r in responses), [
        r.text for r in responses if r.status_code != 200
    ]
    state = (
        await live_client.get(
            explorer.url(f"/progress/video/{catalogue.video}"), headers=explorer.kid
        )
    ).json()
    assert state["watched_ms"] == 25_000
    assert state["position_ms"] == slices[-1][1]  # the newest sent_at wins, whatever the order
    [row] = await stored(live_runtime, explorer.profile_id)
    assert row["covered"] == "{" + ",".join(f"[{a},{b})" for a, b in slices) + "}"


async def test_bad_input_answers_422_and_stores_nothing(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    clock: Clock,
) -> None:
    video, ebook, diy = catalogue.video, catalogue.ebook, catalogue.diy
    cases: list[tuple[str, str, dict[str, Any], str]] = [
        (
            "video",
            video,
            {"position_ms": 0, "watched": [[0, VIDEO_MS + 5000]], "sent_at": at(clock)},
            "interval_out_of_range",
        ),
        (
            "video",
            video,
            {"position_ms": 0, "watched": [[5000, 1000]], "sent_at": at(clock)},
            "validation_error",
        ),
        (
            "video",
            video,
            {"position_ms": VIDEO_MS * 2, "sent_at": at(clock)},
            "position_out_of_range",
        ),
        ("video", video, {"position_ms": 0, "sent_at": at(clock, 3600)}, "sent_at_in_future"),
        ("video", video, {"position_ms": 0, "sent_at": "2026-06-03T12:00:00"}, "validation_error"),
        (
            "video",
            video,
            {"position_ms": 0, "watched": [[0, 10]], "sent_at": at(clock), "page": 2},
            "validation_error",
        ),
        ("ebook", ebook, {"page": 5, "sent_at": at(clock)}, "unknown_page"),
        ("ebook", ebook, {"page": 1, "pages_read": [1, 9], "sent_at": at(clock)}, "unknown_page"),
        ("diy", diy, {"steps_done": [4], "sent_at": at(clock)}, "unknown_step"),
        ("diy", diy, {"steps_done": [0], "sent_at": at(clock)}, "validation_error"),
        ("quiz", video, {"sent_at": at(clock)}, "validation_error"),
    ]
    for kind, item, body, code in cases:
        response = await beat(client, explorer, kind, item, body)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == code, (body, response.json())
        assert response.json()["errors"], response.json()
    for item in (catalogue.draft, str(uuid.uuid4())):
        response = await beat(
            client, explorer, "video", item, {"position_ms": 0, "sent_at": at(clock)}
        )
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    # A video id sent as an eBook is an unknown eBook.
    response = await beat(client, explorer, "ebook", video, {"page": 1, "sent_at": at(clock)})
    assert response.status_code == 404
    assert await stored(runtime, explorer.profile_id) == []


async def test_resume_state_and_the_list(
    client: httpx.AsyncClient, catalogue: Catalogue, explorer: Explorer, clock: Clock
) -> None:
    url = explorer.url(f"/progress/video/{catalogue.video}")
    missing = await client.get(url, headers=explorer.kid)
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_started"
    await beat(
        client,
        explorer,
        "video",
        catalogue.video,
        {"position_ms": 5000, "watched": [[0, 5000]], "sent_at": at(clock)},
    )
    clock.advance(5)
    await beat(
        client,
        explorer,
        "ebook",
        catalogue.ebook,
        {"page": 1, "pages_read": [1, 2, 3, 4], "sent_at": at(clock)},
    )
    clock.advance(5)
    await beat(client, explorer, "diy", catalogue.diy, {"steps_done": [1], "sent_at": at(clock)})
    resumed = await client.get(url, headers=explorer.parent)
    assert resumed.status_code == 200
    assert resumed.json()["position_ms"] == 5000
    first = await client.get(explorer.url("/progress?limit=2"), headers=explorer.kid)
    assert [i["kind"] for i in first.json()["items"]] == ["diy", "ebook"]
    second = await client.get(
        explorer.url(f"/progress?limit=2&cursor={first.json()['next_cursor']}"),
        headers=explorer.kid,
    )
    assert [i["kind"] for i in second.json()["items"]] == ["video"]
    assert second.json()["next_cursor"] is None
    done = await client.get(explorer.url("/progress?status=completed"), headers=explorer.kid)
    assert [i["kind"] for i in done.json()["items"]] == ["ebook"]
    videos = await client.get(
        explorer.url("/progress?kind=video&status=in_progress"), headers=explorer.kid
    )
    assert [i["item_id"] for i in videos.json()["items"]] == [catalogue.video]
    bad = await client.get(explorer.url("/progress?status=finished"), headers=explorer.kid)
    assert bad.status_code == 422
