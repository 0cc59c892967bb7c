"""Editors' badges, avatar parts that badges unlock, and badges in the family's data."""

from __future__ import annotations

from typing import Any

import httpx
import sqlalchemy as sa

from app.avatars.seed import seed_avatar_parts
from app.runtime import Runtime
from tests.progress.fixtures import Catalogue, Clock, Explorer
from tests.quizzes.helpers import make_asset
from tests.rewards.helpers import ADMIN, define, earned, finish_video


async def test_editors_define_badges_from_the_fixed_criteria(
    client: httpx.AsyncClient, runtime: Runtime, catalogue: Catalogue, editor: dict[str, str]
) -> None:
    picture = await make_asset(runtime)
    made = await define(
        client,
        editor,
        "folktale-fan",
        {"kind": "items_completed", "count": 3, "of": {"theme_id": catalogue.themes["folktales"]}},
        description="Three folktales!",
        picture_asset_id=picture,
        sort_order=5,
    )
    assert made["picture_url"] == f"/api/v1/assets/{picture}"
    # Anyone may fetch a badge's picture: the explorer's screens show it.
    shown = await client.get(f"/api/v1/assets/{picture}")
    assert shown.status_code in (302, 307), shown.text
    again = await client.post(
        ADMIN,
        json={
            "slug": "folktale-fan",
            "title": "Again",
            "criterion": {"kind": "diys_finished", "count": 1},
        },
        headers=editor,
    )
    assert (again.status_code, again.json()["code"]) == (409, "name_taken")
    for criterion, where in (
        (
            {
                "kind": "items_completed",
                "count": 1,
                "of": {"item_kind": "video", "theme_id": catalogue.themes["stories"]},
            },
            ["body", "criterion", "items_completed", "of"],
        ),
        ({"kind": "streak_days", "days": 1}, ["body", "criterion", "streak_days", "days"]),
        ({"kind": "quizzes_passed", "count": 0}, ["body", "criterion", "quizzes_passed", "count"]),
        ({"kind": "minutes_watched", "count": 10}, ["body", "criterion"]),
    ):
        refused = await client.post(
            ADMIN, json={"slug": "bad", "title": "Bad", "criterion": criterion}, headers=editor
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["loc"][: len(where)] == where
    unknown_theme = await client.post(
        ADMIN,
        json={
            "slug": "bad",
            "title": "Bad",
            "criterion": {"kind": "items_completed", "count": 1, "of": {"theme_id": picture}},
        },
        headers=editor,
    )
    assert unknown_theme.status_code == 422
    assert unknown_theme.json()["errors"][0]["loc"] == ["body", "criterion", "of", "theme_id"]
    unknown_part = await client.post(
        ADMIN,
        json={
            "slug": "bad",
            "title": "Bad",
            "criterion": {"kind": "diys_finished", "count": 1},
            "unlocks": ["00000000-0000-0000-0000-000000000001"],
        },
        headers=editor,
    )
    assert unknown_part.status_code == 422
    for n in range(3):
        await define(
            client, editor, f"b-{n}", {"kind": "diys_finished", "count": n + 1}, sort_order=n
        )
    first = (await client.get(ADMIN, params={"limit": 2}, headers=editor)).json()
    rest = (
        await client.get(ADMIN, params={"limit": 2, "cursor": first["next_cursor"]}, headers=editor)
    ).json()
    assert [b["slug"] for b in first["items"] + rest["items"]] == [
        "b-0",
        "b-1",
        "b-2",
        "folktale-fan",
    ]
    assert rest["next_cursor"] is None
    unchanged = await client.patch(
        f"{ADMIN}/{made['id']}", json={"title": None, "sort_order": None}, headers=editor
    )
    assert unchanged.status_code == 200, unchanged.text
    assert (unchanged.json()["title"], unchanged.json()["sort_order"]) == ("Folktale Fan", 5)
    deleted = await client.delete(f"{ADMIN}/{made['id']}", headers=editor)
    assert deleted.status_code == 204
    assert (await client.get(f"{ADMIN}/{made['id']}", headers=editor)).status_code == 404


async def _parts(
    client: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> dict[str, Any]:
    response = await client.get("/api/v1/avatars/parts", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return {p["name"]: p for slot in response.json()["slots"].values() for p in slot}


async def test_badges_unlock_avatar_parts(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    stranger: Explorer,
    clock: Clock,
    editor: dict[str, str],
) -> None:
    async with runtime.db.session() as session:
        await seed_avatar_parts(session)
    parts = await _parts(client, {})
    assert not any(p["locked"] for p in parts.values())  # no badge unlocks anything yet
    kente = parts["Kente top"]["id"]
    await define(client, editor, "first", {"kind": "items_completed", "count": 1}, unlocks=[kente])
    assert (await _parts(client, {}))["Kente top"]["locked"] is True
    mine = await _parts(client, explorer.kid, profile_id=explorer.profile_id)
    assert mine["Kente top"]["locked"] is True
    assert mine["T-shirt"]["locked"] is False
    # Another family's explorer, or nobody signed in: as for any other profile route.
    other = await client.get(
        "/api/v1/avatars/parts", params={"profile_id": stranger.profile_id}, headers=explorer.kid
    )
    assert other.status_code == 404
    anonymous = await client.get(
        "/api/v1/avatars/parts", params={"profile_id": explorer.profile_id}
    )
    assert anonymous.status_code == 401

    choice = {"parts": {"outfit": kente}}
    refused = await client.put(explorer.url("/avatar"), json=choice, headers=explorer.kid)
    assert (refused.status_code, refused.json()["code"]) == (409, "part_locked")
    await finish_video(client, explorer, catalogue.video, clock)
    assert await earned(client, explorer) == ["First"]
    mine = await _parts(client, explorer.kid, profile_id=explorer.profile_id)
    assert mine["Kente top"]["locked"] is False
    chosen = await client.put(explorer.url("/avatar"), json=choice, headers=explorer.kid)
    assert chosen.status_code == 200, chosen.text
    # The other explorer has not earned it; with rewards off, every part is free.
    theirs = await client.put(stranger.url("/avatar"), json=choice, headers=stranger.kid)
    assert theirs.status_code == 409
    await client.put(stranger.url("/rewards"), json={"enabled": False}, headers=stranger.parent)
    theirs = await client.put(stranger.url("/avatar"), json=choice, headers=stranger.kid)
    assert theirs.status_code == 200


async def test_badges_are_in_the_export_and_go_with_the_profile(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    clock: Clock,
    editor: dict[str, str],
) -> None:
    badge = await define(client, editor, "first", {"kind": "items_completed", "count": 1})
    await client.put(
        explorer.url("/rewards"),
        json={"enabled": True, "tell_parent": True},
        headers=explorer.parent,
    )
    await finish_video(client, explorer, catalogue.video, clock)
    export = await client.get("/api/v1/accounts/me/export", headers=explorer.parent)
    assert export.status_code == 200, export.text
    rewards = export.json()["rewards"]
    assert [(b["profile_id"], b["badge_id"], b["title"]) for b in rewards["badges"]] == [
        (explorer.profile_id, badge["id"], "First")
    ]
    assert rewards["settings"] == [
        {"profile_id": explorer.profile_id, "enabled": True, "tell_parent": True}
    ]
    assert {"profile_id": explorer.profile_id, "key": "items", "count": 1} in rewards["counters"]
    assert [d["counts_for_streak"] for d in rewards["days"]] == [True]
    gone = await client.delete(f"/api/v1/profiles/{explorer.profile_id}", headers=explorer.parent)
    assert gone.status_code == 204
    async with runtime.db.session() as session:
        for table in (
            "earned_badge",
            "reward_tally",
            "reward_fact",
            "reward_day",
            "reward_setting",
        ):
            left = await session.scalar(
                sa.text(
                    f"SELECT count(*) FROM {table} WHERE profile_id = CAST(:p AS uuid)"
                ).bindparams(p=explorer.profile_id)
            )
            assert left == 0, table
    # The badge itself is the editors': it stays.
    assert (await client.get(f"{ADMIN}/{badge['id']}", headers=editor)).status_code == 200
