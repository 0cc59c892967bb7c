"""Saved items, "My adventures" and its sections, and the explorer's tab."""

from __future__ import annotations

import uuid

import httpx
import sqlalchemy as sa

from app.runtime import Runtime
from tests.progress import fixtures
from tests.progress.fixtures import Catalogue, Clock, Explorer, at

CARD_FIELDS = {"id", "kind", "title", "theme_id", "age_min", "age_max", "image_url", "published_at"}


async def watch(
    client: httpx.AsyncClient, who: Explorer, video: str, clock: Clock, until: int
) -> None:
    # Played to `until` in heartbeats of ten seconds: completion is earned on the clock.
    clock.advance(30)
    await fixtures.watch(client, who, video, clock, until)


async def test_saving_is_idempotent_and_checks_the_item(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    clock: Clock,
) -> None:
    url = explorer.url(f"/saved/ebook/{catalogue.ebook}")
    first = await client.put(url, headers=explorer.kid)
    assert first.status_code == 200
    clock.advance(60)
    again = await client.put(url, headers=explorer.kid)
    assert again.json() == first.json()  # saved_at kept
    await client.put(explorer.url(f"/saved/video/{catalogue.video}"), headers=explorer.parent)
    listed = await client.get(explorer.url("/saved"), headers=explorer.kid)
    assert [c["id"] for c in listed.json()["items"]] == [catalogue.video, catalogue.ebook]
    assert set(listed.json()["items"][0]) >= CARD_FIELDS
    for missing in (
        f"/saved/video/{catalogue.draft}",
        f"/saved/video/{uuid.uuid4()}",
        f"/saved/diy/{catalogue.video}",
    ):
        assert (await client.put(explorer.url(missing), headers=explorer.kid)).status_code == 404
    assert (
        await client.put(explorer.url(f"/saved/quiz/{catalogue.video}"), headers=explorer.kid)
    ).status_code == 422
    for _ in range(2):
        gone = await client.delete(url, headers=explorer.kid)
        assert gone.status_code == 204
    async with runtime.db.session() as session:
        rows = (
            (
                await session.execute(
                    sa.text("SELECT item_id FROM saved_item WHERE profile_id = :p").bindparams(
                        p=uuid.UUID(explorer.profile_id)
                    )
                )
            )
            .scalars()
            .all()
        )
    assert [str(r) for r in rows] == [catalogue.video]


async def test_my_adventures_in_one_round_trip(
    client: httpx.AsyncClient, catalogue: Catalogue, explorer: Explorer, clock: Clock
) -> None:
    await watch(client, explorer, catalogue.video, clock, 95_000)  # completed
    await watch(client, explorer, catalogue.episode, clock, 10_000)
    clock.advance(30)
    await client.put(
        explorer.url(f"/progress/ebook/{catalogue.ebook}"),
        json={"page": 2, "pages_read": [1], "sent_at": at(clock, 1)},
        headers=explorer.kid,
    )
    await client.put(explorer.url(f"/saved/diy/{catalogue.diy}"), headers=explorer.kid)
    response = await client.get(explorer.url("/library"), headers=explorer.kid)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "continue",
        "completed",
        "saved",
        "recommended",
        "stats",
        "due_soon",
        "latest_badge",
    }
    assert body["latest_badge"] is None  # no badge is defined here
    # Continue: newest activity first, each card with its progress.
    assert [c["id"] for c in body["continue"]] == [catalogue.ebook, catalogue.episode]
    assert body["continue"][0]["progress"]["page"] == 2
    assert set(body["continue"][0]) >= CARD_FIELDS
    assert [c["id"] for c in body["completed"]] == [catalogue.video]
    assert body["completed"][0]["progress"]["status"] == "completed"
    assert [c["id"] for c in body["saved"]] == [catalogue.diy]
    # Recommended: from the engaged themes and series, for a 6-8 explorer, never what they
    # already finished, started or saved.
    recommended = {c["id"] for c in body["recommended"]}
    assert recommended == {catalogue.video2}
    assert body["stats"]["items_completed"] == 1
    assert body["stats"]["minutes_this_week"]["video"] > 0


async def test_sections_are_paged_lists(
    client: httpx.AsyncClient, catalogue: Catalogue, explorer: Explorer, clock: Clock
) -> None:
    for video in (catalogue.video, catalogue.video2, catalogue.episode):
        await watch(client, explorer, video, clock, 5_000)
    first = await client.get(explorer.url("/library/continue?limit=2"), headers=explorer.parent)
    assert [c["id"] for c in first.json()["items"]] == [catalogue.episode, catalogue.video2]
    rest = await client.get(
        explorer.url(f"/library/continue?limit=2&cursor={first.json()['next_cursor']}"),
        headers=explorer.parent,
    )
    assert [c["id"] for c in rest.json()["items"]] == [catalogue.video]
    assert rest.json()["next_cursor"] is None
    for name in ("completed", "saved", "recommended"):
        assert (
            await client.get(explorer.url(f"/library/{name}"), headers=explorer.kid)
        ).status_code == 200
    assert (
        await client.get(explorer.url("/library/everything"), headers=explorer.kid)
    ).status_code == 422
    bad = await client.get(explorer.url("/library/continue?cursor=nonsense"), headers=explorer.kid)
    assert bad.status_code == 400


async def test_recommendations_fit_the_age_band_when_nothing_is_engaged_yet(
    client: httpx.AsyncClient, catalogue: Catalogue, explorer: Explorer
) -> None:
    response = await client.get(
        explorer.url("/library/recommended?limit=100"), headers=explorer.kid
    )
    ids = {c["id"] for c in response.json()["items"]}
    assert {catalogue.video, catalogue.ebook, catalogue.diy} <= ids
    assert catalogue.grown_up not in ids
    assert catalogue.draft not in ids


async def test_the_explorer_tab(
    client: httpx.AsyncClient,
    catalogue: Catalogue,
    explorer: Explorer,
    stranger: Explorer,
    clock: Clock,
) -> None:
    await watch(client, explorer, catalogue.video, clock, 95_000)
    await watch(client, explorer, catalogue.video2, clock, 5_000)
    url = f"/api/v1/tabs/my-explorer?profile_id={explorer.profile_id}"
    response = await client.get(url, headers=explorer.kid)
    assert response.status_code == 200
    body = response.json()
    assert body["explorer"]["nickname"] == "Ama"
    assert body["explorer"]["avatar_url"].endswith("/avatar.svg")
    assert [c["id"] for c in body["continue"]] == [catalogue.video2]
    assert [c["id"] for c in body["recent"]] == [catalogue.video]
    assert set(body["streak"]) == {"current", "longest", "learned_today"}
    assert (await client.get(url, headers=explorer.parent)).status_code == 200
    assert (await client.get(url)).status_code == 401
    assert (await client.get(url, headers=stranger.parent)).status_code == 404
    assert (await client.get(url, headers=stranger.kid)).status_code == 404
    assert (await client.get("/api/v1/tabs/my-explorer", headers=explorer.kid)).status_code == 422
