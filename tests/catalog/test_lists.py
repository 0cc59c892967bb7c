"""Every catalogue list is a page: `{"items", "next_cursor"}`, keyset-paged."""

from __future__ import annotations

import httpx
import pytest

from app.core.pagination import encode_cursor
from app.runtime import Runtime
from tests.catalog.conftest import add
from tests.support.factories import stored_asset


async def _all_pages(client: httpx.AsyncClient, path: str, **params: object) -> list[str]:
    seen: list[str] = []
    cursor = None
    for _ in range(20):
        query = {**params, "limit": 1, **({"cursor": cursor} if cursor else {})}
        response = await client.get(path, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        assert set(page) == {"items", "next_cursor"}
        seen += [item["slug"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("paging never ended")


async def test_themes_page_in_the_order_of_the_app(
    client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    assert await _all_pages(client, "/api/v1/themes") == [
        "crafts",
        "folktales",
        "science",
        "stories",
    ]
    assert await _all_pages(client, "/api/v1/themes", kind="video") == ["science", "stories"]


async def test_series_page_and_carry_their_cover(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    async with runtime.db.session() as session:
        cover = await stored_asset(session, runtime.storage, name="c")
    for slug in ("b-series", "a-series", "hidden"):
        made = await client.post(
            "/api/v1/admin/series",
            json={
                "theme_id": themes["stories"],
                "slug": slug,
                "title": slug.title(),
                "cover_asset_id": str(cover.id),
            },
            headers=editor,
        )
        assert made.status_code == 201, made.text
        # The admin answers fill the cover too.
        assert made.json()["cover_url"] == f"/api/v1/assets/{cover.id}"
        if slug != "hidden":
            published = await client.post(
                f"/api/v1/admin/series/{made.json()['id']}/publish", headers=editor
            )
            assert published.json()["cover_url"] == f"/api/v1/assets/{cover.id}"
    assert await _all_pages(client, "/api/v1/series") == ["a-series", "b-series"]
    assert await _all_pages(client, "/api/v1/series", theme="stories") == ["a-series", "b-series"]
    assert await _all_pages(client, "/api/v1/series", theme="science") == []


@pytest.mark.parametrize("path", ["/api/v1/themes", "/api/v1/series"])
async def test_a_bad_list_cursor_is_a_400(client: httpx.AsyncClient, path: str) -> None:
    for cursor in ("nonsense", encode_cursor(["video", 2**70, "x", "y"])):
        response = await client.get(path, params={"cursor": cursor})
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "invalid_cursor"


async def test_explore_rows_follow_theme_order_with_their_newest_cards(
    client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    await add(client, editor, "video", {"theme_id": themes["stories"], "title": "Story one"})
    await add(client, editor, "video", {"theme_id": themes["science"], "title": "Atoms"})
    await add(client, editor, "video", {"theme_id": themes["stories"], "title": "Story two"})
    await add(client, editor, "diy", {"theme_id": themes["crafts"], "title": "Kite"})
    order = [themes["stories"], themes["science"]]
    reordered = await client.post(
        "/api/v1/admin/themes/reorder", json={"ids": order}, headers=editor
    )
    assert reordered.status_code == 204
    screen = (await client.get("/api/v1/tabs/explore")).json()
    rows = [(row["theme"]["slug"], [i["title"] for i in row["items"]]) for row in screen["rows"]]
    assert rows == [
        ("stories", ["Story two", "Story one"]),
        ("science", ["Atoms"]),
        ("crafts", ["Kite"]),
    ]
