"""Input that must never be a 500 and never change anything: crafted query strings, cache
keys, NUL bytes, out-of-range numbers, unknown assets, crafted cursors and racing editors."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.catalog.models import Ebook, EbookPage, Series, Theme, Video
from app.core.pagination import encode_cursor
from app.runtime import Runtime
from tests.catalog.conftest import add
from tests.support.auth import signed_in


def _problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    return body


async def _count(runtime: Runtime, model: type) -> int:
    async with runtime.db.session() as session:
        return int(await session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


# --- cache keys --------------------------------------------------------------------------


@pytest.mark.parametrize("crafted_first", [True, False])
async def test_a_crafted_query_never_shares_the_key_of_a_filter(
    client: httpx.AsyncClient, editor: dict, themes: dict, crafted_first: bool
) -> None:
    """`age%3D4%26limit` is one unknown parameter: the unfiltered list, under its own key."""
    await add(client, editor, "video", {"theme_id": themes["stories"], "title": "Little ones",
                                        "age_min": 3, "age_max": 5})  # fmt: skip
    await add(client, editor, "video", {"theme_id": themes["stories"], "title": "Big ones",
                                        "age_min": 9, "age_max": 12})  # fmt: skip

    async def crafted() -> list[str]:
        response = await client.get("/api/v1/videos?age%3D4%26limit=20")
        assert response.status_code == 200
        return sorted(i["title"] for i in response.json()["items"])

    async def filtered() -> list[str]:
        response = await client.get("/api/v1/videos?age=4&limit=20")
        assert response.status_code == 200
        return [i["title"] for i in response.json()["items"]]

    if crafted_first:
        assert await crafted() == ["Big ones", "Little ones"]
        assert await filtered() == ["Little ones"]
    else:
        assert await filtered() == ["Little ones"]
        assert await crafted() == ["Big ones", "Little ones"]
    # Twice each: the second answers come from the cache, before routing.
    assert await filtered() == ["Little ones"]
    assert await crafted() == ["Big ones", "Little ones"]


async def test_unknown_parameters_and_spellings_of_one_value_share_a_key(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    await add(client, editor, "video", {"theme_id": themes["stories"], "title": "Cached"})
    first = await client.get("/api/v1/videos", params={"age": 7, "utm_source": "mail"})
    assert [i["title"] for i in first.json()["items"]] == ["Cached"]
    # Changed behind the cache's back: only a request under the same key still sees "Cached".
    async with runtime.db.session() as session:
        await session.execute(sa.update(Video).values(title="Renamed"))
    again = await client.get("/api/v1/videos?limit=20&age=07&sort=newest&tag_=x")
    assert again.headers["etag"] == first.headers["etag"]
    assert [i["title"] for i in again.json()["items"]] == ["Cached"]
    other = await client.get("/api/v1/videos", params={"age": 8})
    assert [i["title"] for i in other.json()["items"]] == ["Renamed"]


# --- never a 500 -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/ebooks", "/api/v1/diys"])
async def test_the_series_filter_is_only_for_videos(
    client: httpx.AsyncClient, editor: dict, themes: dict, path: str
) -> None:
    series = str(uuid.uuid4())
    for _ in range(2):  # the second time past the cache front too
        body = _problem(await client.get(path, params={"series": series}), 422)
        assert body["errors"][0]["loc"] == ["query", "series"]
    assert (await client.get("/api/v1/videos", params={"series": series})).status_code == 200


@pytest.mark.parametrize(
    "q", ["!", "'", ":", "&", "\\", "'&'", "a:b", "!(x)", "|", "*", "''", ":*"]
)
async def test_a_search_of_punctuation_finds_nothing_and_is_no_error(
    client: httpx.AsyncClient, editor: dict, themes: dict, q: str
) -> None:
    await add(client, editor, "video", {"theme_id": themes["stories"], "title": "Quiet story"})
    response = await client.get("/api/v1/search", params={"q": q})
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/videos?tag=%00",
        "/api/v1/videos?theme=a%00b",
        "/api/v1/search?q=%00",
        "/api/v1/themes/%00",
        "/api/v1/themes/a%00",
        "/api/v1/admin/videos?cursor=%00",
        "/api/v1/accounts/me?x=%00",
        "/health/live%00",
    ],
)
async def test_a_nul_byte_in_a_path_or_query_is_a_400(client: httpx.AsyncClient, url: str) -> None:
    body = _problem(await client.get(url), 400)
    assert body["code"] == "invalid_character"


async def test_a_nul_byte_in_a_body_is_a_422_and_stores_nothing(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    name = _problem(
        await client.patch(
            "/api/v1/accounts/me", json={"display_name": "Ama\u0000"}, headers=editor
        ),
        422,
    )
    assert name["code"] == "invalid_character"
    page = {"text": "Once upon\u0000 a time"}
    ebook = {"theme_id": themes["folktales"], "title": "Nul", "pages": [page]}
    assert (
        _problem(await client.post("/api/v1/admin/ebooks", json=ebook, headers=editor), 422)["code"]
        == "invalid_character"
    )
    theme = {"kind": "video", "slug": "nul", "title": "Nul\u0000"}
    _problem(await client.post("/api/v1/admin/themes", json=theme, headers=editor), 422)
    assert await _count(runtime, Ebook) == 0
    assert await _count(runtime, EbookPage) == 0
    me = await client.get("/api/v1/accounts/me", headers=editor)
    assert me.json()["display_name"] is None


@pytest.mark.parametrize("path", ["/api/v1/admin/themes", "/api/v1/admin/series"])
async def test_an_unknown_cover_asset_is_a_422(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict, themes: dict, path: str
) -> None:
    unknown = str(uuid.uuid4())
    if path.endswith("themes"):
        body: dict[str, Any] = {"kind": "video", "slug": "covered", "title": "Covered"}
    else:
        body = {"theme_id": themes["stories"], "slug": "covered", "title": "Covered"}
    created = _problem(
        await client.post(path, json={**body, "cover_asset_id": unknown}, headers=editor), 422
    )
    assert created["errors"][0]["type"] == "unknown_asset"
    assert created["errors"][0]["loc"] == ["body", "cover_asset_id"]
    made = await client.post(path, json=body, headers=editor)
    assert made.status_code == 201, made.text
    patched = _problem(
        await client.patch(
            f"{path}/{made.json()['id']}", json={"cover_asset_id": unknown}, headers=editor
        ),
        422,
    )
    assert patched["errors"][0]["type"] == "unknown_asset"
    model = Theme if path.endswith("themes") else Series
    async with runtime.db.session() as session:
        covers = (await session.execute(sa.select(table_of_cover(model)))).scalars().all()
    assert all(c is None for c in covers)


def table_of_cover(model: type) -> Any:
    return model.__table__.c.cover_asset_id  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("themes", {"kind": "video", "slug": "big", "title": "Big", "sort_order": 1099511627776}),
        ("videos", {"title": "Big", "duration_ms": 1099511627776}),
        ("videos", {"title": "Big", "season": 1099511627776}),
        ("ebooks", {"title": "Big", "pages": [{"text": "a", "word_timings": [[0, 2**40]]}]}),
    ],
)
async def test_a_number_past_its_column_is_a_422(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict, themes: dict, path: str, body: dict
) -> None:
    if path != "themes":
        body = {**body, "theme_id": themes["folktales" if path == "ebooks" else "stories"]}
    _problem(await client.post(f"/api/v1/admin/{path}", json=body, headers=editor), 422)
    patch = {"sort_order": 2**40} if path == "themes" else None
    if patch:
        target = f"/api/v1/admin/themes/{themes['stories']}"
        _problem(await client.patch(target, json=patch, headers=editor), 422)
    assert await _count(runtime, Video) == 0


@pytest.mark.parametrize(
    "when",
    [
        "0001-01-01T00:00:00+05:00",  # before year 1 in UTC
        "9999-12-31T23:59:59-05:00",  # after year 9999 in UTC
        "2026-01-01T00:00:00",  # no time zone
        "2026-01-01",
    ],
)
async def test_a_crafted_cursor_is_a_400_on_every_list(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict, when: str
) -> None:
    admin = await signed_in(runtime, client, "admin@example.com", Role.admin)
    cursor = encode_cursor([when, uuid.uuid4()])
    for path, headers in (
        ("/api/v1/videos", {}),
        ("/api/v1/admin/videos", editor),
        ("/api/v1/admin/accounts", admin),
    ):
        body = _problem(await client.get(path, params={"cursor": cursor}, headers=headers), 400)
        assert body["code"] == "invalid_cursor", path


@pytest.mark.parametrize("title", ["a\u0000b", 12])
async def test_a_crafted_title_cursor_is_a_400(client: httpx.AsyncClient, title: object) -> None:
    cursor = encode_cursor([title, uuid.uuid4()])
    response = await client.get("/api/v1/videos", params={"sort": "title", "cursor": cursor})
    assert _problem(response, 400)["code"] == "invalid_cursor"


async def test_publish_and_unpublish_of_one_series_race_safely(
    live_runtime: Runtime, live_client: httpx.AsyncClient
) -> None:
    editor = await signed_in(live_runtime, live_client, "racer@example.com", Role.editor)
    theme = await live_client.post(
        "/api/v1/admin/themes",
        json={"kind": "video", "slug": "race", "title": "Race"},
        headers=editor,
    )
    series = await live_client.post(
        "/api/v1/admin/series",
        json={"theme_id": theme.json()["id"], "slug": "race", "title": "Race"},
        headers=editor,
    )
    path = f"/api/v1/admin/series/{series.json()['id']}"
    for _ in range(5):
        responses = await asyncio.gather(
            *[
                live_client.post(f"{path}/{verb}", headers=editor)
                for verb in ("publish", "unpublish") * 4
            ]
        )
        assert [r.status_code for r in responses] == [200] * 8, [r.text for r in responses]
    async with live_runtime.db.session() as session:
        status, published_at = (
            await session.execute(sa.select(Series.status, Series.published_at))  # type: ignore[call-overload]
        ).one()
    assert (status == "published") == (published_at is not None)


async def test_an_escaped_backslash_is_text_and_a_lone_surrogate_is_refused(
    client: httpx.AsyncClient, editor: dict
) -> None:
    literal = await client.patch(
        "/api/v1/accounts/me",
        content=b'{"display_name": "Ama \\\\u0000"}',
        headers={**editor, "Content-Type": "application/json"},
    )
    assert literal.status_code == 200, literal.text
    assert literal.json()["display_name"] == "Ama \\u0000"
    lone = await client.patch(
        "/api/v1/accounts/me",
        content=b'{"display_name": "Ama \\ud800"}',
        headers={**editor, "Content-Type": "application/json"},
    )
    assert _problem(lone, 422)["code"] == "invalid_character"
    pair = await client.patch(
        "/api/v1/accounts/me",
        content=b'{"display_name": "Ama \\ud83d\\ude00"}',
        headers={**editor, "Content-Type": "application/json"},
    )
    assert pair.status_code == 200, pair.text
    assert pair.json()["display_name"] == "Ama \U0001f600"


async def test_a_schedule_without_a_time_zone_is_a_422(
    client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    video = await add(client, editor, "video", {"theme_id": themes["stories"], "title": "Soon"},
                      publish=False)  # fmt: skip
    response = await client.post(
        f"/api/v1/admin/videos/{video}/schedule",
        json={"publish_at": "2999-01-01T09:00:00"},
        headers=editor,
    )
    assert _problem(response, 422)["errors"][0]["loc"] == ["body", "publish_at"]
