"""The catalogue as children and editors meet it: visibility, filters, stable paging,
search quality, screens, caching and the admin rules."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa
from openapi_spec_validator import validate

from app.catalog.models import EbookPage, SearchDocument, Video
from app.catalog.queries import prefix_query
from app.catalog.seed import seed_catalogue
from app.media.demo import content
from app.media.models import MediaAsset
from app.runtime import Runtime
from tests.catalog.conftest import add
from tests.support.auth import family, kid_token, make_profile
from tests.support.factories import stored_asset


def _video(theme: str, title: str, **extra: object) -> dict:
    return {"theme_id": theme, "title": title, **extra}


async def _titles(client: httpx.AsyncClient, path: str, **params: object) -> list[str]:
    response = await client.get(path, params=params)
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


async def test_only_published_and_due_items_are_visible(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    await add(client, editor, "video", _video(themes["stories"], "Draft story"), publish=False)
    shown = await add(client, editor, "video", _video(themes["stories"], "Published story"))
    later = await add(
        client, editor, "video", _video(themes["stories"], "Later story"), publish=False
    )
    archived = await add(client, editor, "video", _video(themes["stories"], "Old story"))
    await client.post(f"/api/v1/admin/videos/{archived}/archive", headers=editor)
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    scheduled = await client.post(
        f"/api/v1/admin/videos/{later}/schedule", json={"publish_at": soon}, headers=editor
    )
    assert scheduled.json()["status"] == "scheduled"

    assert await _titles(client, "/api/v1/videos") == ["Published story"]
    assert (await client.get(f"/api/v1/videos/{later}")).status_code == 404
    assert (await client.get(f"/api/v1/videos/{shown}")).status_code == 200

    # Its time comes: visible with no manual step (the cache is per TTL; a fresh key here).
    async with runtime.db.session() as session:
        await session.execute(
            sa.update(Video)
            .where(Video.id == later)
            .values(published_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await session.execute(
            sa.update(SearchDocument)
            .where(SearchDocument.content_id == later)
            .values(published_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    await runtime.cache.clear()
    assert sorted(await _titles(client, "/api/v1/videos")) == ["Later story", "Published story"]
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    refused = await client.post(
        f"/api/v1/admin/videos/{shown}/schedule", json={"publish_at": past}, headers=editor
    )
    assert refused.status_code == 422


async def test_filters_and_sorting(client: httpx.AsyncClient, editor: dict, themes: dict) -> None:
    await add(
        client,
        editor,
        "video",
        _video(themes["stories"], "Zebra crossing", age_min=3, age_max=5, tags=["Roads"]),
    )
    await add(
        client,
        editor,
        "video",
        _video(themes["science"], "Atoms", age_min=9, age_max=12, language="tw"),
    )
    await add(
        client, editor, "video", _video(themes["stories"], "Moon story", age_min=6, age_max=8)
    )
    assert await _titles(client, "/api/v1/videos", theme="stories", sort="title") == [
        "Moon story",
        "Zebra crossing",
    ]
    assert await _titles(client, "/api/v1/videos", age=4) == ["Zebra crossing"]
    assert await _titles(client, "/api/v1/videos", language="tw") == ["Atoms"]
    assert await _titles(client, "/api/v1/videos", tag="ROADS") == ["Zebra crossing"]
    assert await _titles(client, "/api/v1/videos", theme="no-such-theme") == []
    assert (await client.get("/api/v1/videos", params={"age": 40})).status_code == 422
    assert (await client.get("/api/v1/videos", params={"cursor": "nonsense"})).status_code == 400


async def test_cursor_pages_stay_correct_while_items_are_published(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    for i in range(5):
        await add(client, editor, "video", _video(themes["stories"], f"Episode {i}"))
        await asyncio.sleep(0.002)
    first = (await client.get("/api/v1/videos", params={"limit": 2})).json()
    await add(client, editor, "video", _video(themes["stories"], "Breaking news"))
    seen = [i["title"] for i in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = (await client.get("/api/v1/videos", params={"limit": 2, "cursor": cursor})).json()
        seen += [i["title"] for i in page["items"]]
        cursor = page["next_cursor"]
    assert seen == [f"Episode {i}" for i in (4, 3, 2, 1, 0)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ananse", "Ananse ne Nyansa Kukuo"),
        ("kente colurs", "Kente Colours: Weaving a Story"),
        ("stam", "Adinkra Potato Stamps"),
        ("silk", "Anansi and the Pot of Wisdom"),  # only in the eBook's page text
        ("chocolat", "From Cocoa Seed to Chocolate"),
        ("bonwire", "Kente Colours: Weaving a Story"),  # its tags and its theme's words
        ("balloon", "Tin Can Talking Drum"),  # only in its steps and materials
    ],
)
async def test_search_finds_partial_words_typos_and_ebook_text(
    runtime: Runtime, client: httpx.AsyncClient, query: str, expected: str
) -> None:
    async with runtime.db.session() as session:
        await seed_catalogue(session, runtime)
    response = await client.get("/api/v1/search", params={"q": query})
    assert response.status_code == 200
    titles = [hit["title"] for hit in response.json()["items"]]
    assert titles, f"nothing found for {query!r}"
    assert titles[0] == expected


async def test_search_matches_short_words_whole(
    client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    """Two letters as a prefix would match much of a catalogue (and rank all of it)."""
    await add(client, editor, "video", _video(themes["stories"], "Go Fly a Kite"))
    await add(client, editor, "video", _video(themes["stories"], "Goats of Ghana"))
    hits = (await client.get("/api/v1/search", params={"q": "go"})).json()["items"]
    assert [h["title"] for h in hits] == ["Go Fly a Kite"]
    hits = (await client.get("/api/v1/search", params={"q": "goa"})).json()["items"]
    assert [h["title"] for h in hits] == ["Goats of Ghana"]


def test_prefix_query_keeps_short_words_whole() -> None:
    assert prefix_query("Kente  col!") == "'kente':* & 'col':*"
    assert prefix_query("go ox volc") == "'go' & 'ox' & 'volc':*"
    assert prefix_query("?! ' : & \\") is None


async def test_search_by_kind_and_hidden_drafts(
    client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    await add(
        client, editor, "video", _video(themes["stories"], "Secret drumming draft"), publish=False
    )
    await add(
        client, editor, "diy", {"theme_id": themes["crafts"], "title": "Drumming with bottles"}
    )
    hits = (await client.get("/api/v1/search", params={"q": "drumming"})).json()["items"]
    assert [h["title"] for h in hits] == ["Drumming with bottles"]
    videos = (await client.get("/api/v1/search", params={"q": "drumming", "kind": "video"})).json()[
        "items"
    ]
    assert videos == []


async def test_search_fills_a_page_with_near_misses_only_when_the_words_leave_room(
    client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    """A title sharing one word with the query scores above a description holding both words
    (word similarity), but is not a match of every word: it fills the page, never displaces
    one."""
    for title, description in (
        ("Anansi Weaves Kente", ""),
        ("Market Day", "Anansi buys kente cloth for his mother."),
        ("Anansi Kenkey Feast", ""),
    ):
        await add(
            client,
            editor,
            "video",
            _video(themes["stories"], title, description=description),
        )
    both = await _titles(client, "/api/v1/search", q="anansi kente", limit=2)
    assert both == ["Anansi Weaves Kente", "Market Day"]
    room = await _titles(client, "/api/v1/search", q="anansi kente", limit=3)
    assert room == ["Anansi Weaves Kente", "Anansi Kenkey Feast", "Market Day"]


async def test_search_fills_a_page_with_completions_only_when_whole_words_leave_room(
    client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    """A title word that the query's word begins scores above that word whole in a
    description, but fills the page rather than displacing it."""
    await add(
        client,
        editor,
        "video",
        _video(themes["stories"], "Market Day", description="Kofi plays a drum."),
    )
    await add(client, editor, "video", _video(themes["stories"], "Drummers Parade"))
    assert await _titles(client, "/api/v1/search", q="drum", limit=1) == ["Market Day"]
    assert await _titles(client, "/api/v1/search", q="drum", limit=2) == [
        "Drummers Parade",
        "Market Day",
    ]


async def test_details_of_each_kind(client: httpx.AsyncClient, editor: dict, themes: dict) -> None:
    ebook = await add(
        client,
        editor,
        "ebook",
        {
            "theme_id": themes["folktales"],
            "title": "Tortoise",
            "author": "Kojo",
            "pages": [
                {"text": "Slow and steady", "word_timings": [[0, 300], [300, 600], [650, 900]]},
                {"text": "wins"},
            ],
        },
    )
    diy = await add(
        client,
        editor,
        "diy",
        {
            "theme_id": themes["crafts"],
            "title": "Paper weave",
            "difficulty": "medium",
            "minutes": 30,
            "materials": [{"name": "Scissors", "quantity": "1", "ask_a_grown_up": True}],
            "steps": [{"text": "Cut"}, {"text": "Weave"}],
        },
    )
    book = (await client.get(f"/api/v1/ebooks/{ebook}")).json()
    assert [p["number"] for p in book["pages"]] == [1, 2]
    assert book["pages"][0]["word_timings"] == [[0, 300], [300, 600], [650, 900]]
    craft = (await client.get(f"/api/v1/diys/{diy}")).json()
    assert craft["materials"] == [{"name": "Scissors", "quantity": "1", "ask_a_grown_up": True}]
    assert [s["text"] for s in craft["steps"]] == ["Cut", "Weave"]


async def test_series_lists_its_episodes_in_order(
    client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    series = (
        await client.post(
            "/api/v1/admin/series",
            json={"theme_id": themes["stories"], "slug": "anansi", "title": "Anansi"},
            headers=editor,
        )
    ).json()
    await client.post(f"/api/v1/admin/series/{series['id']}/publish", headers=editor)
    for episode in (2, 1):
        await add(
            client,
            editor,
            "video",
            _video(
                themes["stories"],
                f"Part {episode}",
                series_id=series["id"],
                season=1,
                episode=episode,
            ),
        )
    clash = await client.post(
        "/api/v1/admin/videos",
        json=_video(themes["stories"], "Again", series_id=series["id"], season=1, episode=1),
        headers=editor,
    )
    assert clash.status_code == 409
    detail = (await client.get(f"/api/v1/series/{series['id']}")).json()
    assert [e["title"] for e in detail["episodes"]] == ["Part 1", "Part 2"]
    assert [s["slug"] for s in (await client.get("/api/v1/series")).json()["items"]] == ["anansi"]
    assert await _titles(client, "/api/v1/videos", series=series["id"], sort="title") == [
        "Part 1",
        "Part 2",
    ]


async def test_responses_carry_etags_and_the_cache_follows_publication(
    client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    await add(client, editor, "video", _video(themes["stories"], "First"))
    first = await client.get("/api/v1/videos")
    assert first.headers["cache-control"].startswith("public, max-age=")
    etag = first.headers["etag"]
    not_modified = await client.get("/api/v1/videos", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    await add(client, editor, "video", _video(themes["stories"], "Second"))
    fresh = await client.get("/api/v1/videos", headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert [i["title"] for i in fresh.json()["items"]] == ["Second", "First"]


async def test_identical_requests_compute_once(
    runtime: Runtime,
    client: httpx.AsyncClient,
    editor: dict,
    themes: dict,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.catalog import service as catalog_service

    await add(client, editor, "video", _video(themes["stories"], "Popular"))
    calls = 0
    real = catalog_service.list_cards

    async def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return await real(*args, **kwargs)

    monkeypatch.setattr(catalog_service, "list_cards", counting)
    responses = await asyncio.gather(
        *[client.get("/api/v1/videos", params={"age": 7}) for _ in range(10)]
    )
    assert {r.status_code for r in responses} == {200}
    assert calls == 1


async def test_screens_follow_the_explorers_age_band(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    await add(
        client, editor, "video", _video(themes["stories"], "Little ones", age_min=3, age_max=5)
    )
    await add(
        client,
        editor,
        "video",
        _video(themes["science"], "Big kids", age_min=9, age_max=12, category="science"),
    )
    await add(
        client,
        editor,
        "diy",
        {"theme_id": themes["crafts"], "title": "Glue art", "age_min": 3, "age_max": 6},
    )
    everyone = (await client.get("/api/v1/tabs/explore")).json()
    assert {c["title"] for c in everyone["featured"]} == {"Little ones", "Big kids", "Glue art"}
    assert [r["theme"]["slug"] for r in everyone["rows"]] == ["science", "stories", "crafts"]

    parent = await family(runtime, client, "p@example.com")
    ama = await make_profile(client, parent, "Ama", "3-5")
    small = (
        await client.get("/api/v1/tabs/explore", params={"profile_id": ama["id"]}, headers=parent)
    ).json()
    assert {c["title"] for c in small["featured"]} == {"Little ones", "Glue art"}
    kid = await kid_token(client, parent, ama["id"])
    as_kid = await client.get("/api/v1/tabs/videos", params={"profile_id": ama["id"]}, headers=kid)
    assert [c["title"] for c in as_kid.json()["featured"]] == ["Little ones"]
    show = (await client.get("/api/v1/tabs/adventure-show")).json()
    assert [r["category"] for r in show["rows"]] == ["stories", "science", "diy"]

    stranger = await family(runtime, client, "s@example.com")
    assert (
        await client.get("/api/v1/tabs/explore", params={"profile_id": ama["id"]}, headers=stranger)
    ).status_code == 404
    assert (
        await client.get("/api/v1/tabs/explore", params={"profile_id": ama["id"]})
    ).status_code == 401
    assert (await client.get("/api/v1/tabs/nowhere")).status_code == 422


# --- admin rules ----------------------------------------------------------------------------


async def _count(runtime: Runtime, model: type) -> int:
    async with runtime.db.session() as session:
        return int(await session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


@pytest.mark.parametrize(
    ("kind", "body", "loc"),
    [
        (
            "video",
            {"theme_id": "00000000-0000-0000-0000-000000000000", "title": "Lost"},
            ["body", "theme_id"],
        ),
        ("video", {"theme_key": "folktales", "title": "Wrong kind"}, ["body", "theme_id"]),
        (
            "ebook",
            {
                "theme_key": "folktales",
                "title": "Off",
                "pages": [{"text": "two words", "word_timings": [[0, 100]]}],
            },
            None,
        ),
        (
            "ebook",
            {
                "theme_key": "folktales",
                "title": "Back",
                "pages": [{"text": "two words", "word_timings": [[0, 300], [200, 400]]}],
            },
            None,
        ),
        (
            "diy",
            {"theme_key": "crafts", "title": "Hard", "difficulty": "impossible"},
            ["body", "difficulty"],
        ),
        ("video", {"theme_key": "stories", "title": "Ages", "age_min": 9, "age_max": 3}, None),
    ],
    ids=["unknown theme", "wrong kind", "timings count", "timings order", "bad difficulty", "ages"],
)
async def test_bad_input_is_422_and_nothing_is_stored(
    runtime: Runtime,
    client: httpx.AsyncClient,
    editor: dict,
    themes: dict,
    kind: str,
    body: dict,
    loc: list | None,
) -> None:
    if "theme_key" in body:
        body = {k: v for k, v in body.items() if k != "theme_key"} | {
            "theme_id": themes[body["theme_key"]]
        }
    response = await client.post(f"/api/v1/admin/{kind}s", json=body, headers=editor)
    assert response.status_code == 422, response.text
    if loc:
        assert response.json()["errors"][0]["loc"] == loc
    assert await _count(runtime, SearchDocument) == 0


async def test_timings_must_end_within_the_narration(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    async with runtime.db.session() as session:
        audio = await stored_asset(session, runtime.storage, "audio", "x", duration_ms=500)
    body = {
        "theme_id": themes["folktales"],
        "title": "Long",
        "pages": [
            {
                "text": "one two",
                "narration_asset_id": str(audio.id),
                "word_timings": [[0, 300], [300, 900]],
            }
        ],
    }
    response = await client.post("/api/v1/admin/ebooks", json=body, headers=editor)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "pages", 0, "word_timings"]
    assert await _count(runtime, EbookPage) == 0


async def test_bulk_is_all_or_nothing_with_per_item_errors(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    items = [
        _video(themes["stories"], "Good one"),
        _video(themes["folktales"], "Wrong kind"),
        _video("00000000-0000-0000-0000-000000000000", "Unknown theme"),
    ]
    refused = await client.post("/api/v1/admin/videos/bulk", json={"items": items}, headers=editor)
    assert refused.status_code == 422
    assert [e["loc"][:3] for e in refused.json()["errors"]] == [
        ["body", "items", 1],
        ["body", "items", 2],
    ]
    assert await _count(runtime, Video) == 0
    created = await client.post(
        "/api/v1/admin/videos/bulk", json={"items": items[:1] * 3}, headers=editor
    )
    assert created.status_code == 201
    assert len(created.json()["ids"]) == 3


async def test_publishing_needs_ready_assets(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    async with runtime.db.session() as session:
        video = await stored_asset(session, runtime.storage, "video", "y", status="processing")
    item = await add(
        client,
        editor,
        "video",
        _video(themes["stories"], "Not yet", media_asset_id=str(video.id)),
        publish=False,
    )
    refused = await client.post(f"/api/v1/admin/videos/{item}/publish", headers=editor)
    assert refused.status_code == 409
    assert refused.json()["code"] == "asset_not_ready"
    async with runtime.db.session() as session:
        await session.execute(
            sa.update(MediaAsset)
            .where(MediaAsset.id == video.id)
            .values(status="ready", duration_ms=1000)
        )
    assert (
        await client.post(f"/api/v1/admin/videos/{item}/publish", headers=editor)
    ).status_code == 200
    detail = (await client.get(f"/api/v1/videos/{item}")).json()
    assert detail["media_url"].startswith(f"http://testserver/media/{video.key}?")


async def test_themes_slugs_reorder_and_delete(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    taken = await client.post(
        "/api/v1/admin/themes",
        json={"kind": "video", "slug": "stories", "title": "Again"},
        headers=editor,
    )
    assert taken.status_code == 409
    await add(client, editor, "video", _video(themes["stories"], "Keeps the theme"))
    busy = await client.delete(f"/api/v1/admin/themes/{themes['stories']}", headers=editor)
    assert busy.status_code == 409
    assert busy.json()["code"] == "theme_not_empty"
    assert (
        await client.delete(f"/api/v1/admin/themes/{themes['crafts']}", headers=editor)
    ).status_code == 204
    order = [themes["science"], themes["stories"]]
    assert (
        await client.post("/api/v1/admin/themes/reorder", json={"ids": order}, headers=editor)
    ).status_code == 204
    listed = (await client.get("/api/v1/themes", params={"kind": "video"})).json()["items"]
    assert [t["slug"] for t in listed] == ["science", "stories"]
    assert (await client.get("/api/v1/themes/science")).json()["title"] == "Science"
    assert (await client.get("/api/v1/themes/nope")).status_code == 404


async def test_update_and_delete_items(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    item = await add(client, editor, "video", _video(themes["stories"], "Old title"))
    etag = (await client.get(f"/api/v1/admin/videos/{item}", headers=editor)).headers["etag"]
    updated = await client.patch(
        f"/api/v1/admin/videos/{item}",
        json={"title": "New title"},
        headers={**editor, "If-Match": etag},
    )
    assert updated.status_code == 200
    assert await _titles(client, "/api/v1/videos") == ["New title"]
    bad = await client.patch(
        f"/api/v1/admin/videos/{item}",
        json={"theme_id": themes["folktales"]},
        headers={**editor, "If-Match": updated.headers["etag"]},
    )
    assert bad.status_code == 422
    assert (await client.delete(f"/api/v1/admin/videos/{item}", headers=editor)).status_code == 204
    assert await _titles(client, "/api/v1/videos") == []
    assert await _count(runtime, SearchDocument) == 0


async def test_parents_and_explorers_cannot_edit(
    runtime: Runtime, client: httpx.AsyncClient, themes: dict
) -> None:
    parent = await family(runtime, client, "p@example.com")
    kid = await kid_token(client, parent, (await make_profile(client, parent, "Ama"))["id"])
    body = _video(themes["stories"], "Sneaky")
    for headers, code in ((parent, 403), (kid, 403), ({}, 401)):
        assert (
            await client.post("/api/v1/admin/videos", json=body, headers=headers)
        ).status_code == code
        assert (
            await client.post(
                "/api/v1/admin/themes",
                json={"kind": "video", "slug": "x", "title": "X"},
                headers=headers,
            )
        ).status_code == code
    assert await _count(runtime, Video) == 0


async def test_demo_seed_fills_every_screen(runtime: Runtime, client: httpx.AsyncClient) -> None:
    async with runtime.db.session() as session:
        await seed_catalogue(session, runtime)
        await seed_catalogue(session, runtime)  # idempotent
    for tab in ("explore", "videos", "ebooks", "adventure-show"):
        screen = (await client.get(f"/api/v1/tabs/{tab}")).json()
        assert screen["featured"], tab
        assert screen["rows"], tab
    assert len((await client.get("/api/v1/themes")).json()["items"]) == len(content.THEMES)


@pytest.mark.parametrize("cache", [True, False])
async def test_public_reads_refuse_bad_tokens_cached_or_not(
    runtime: Runtime,
    client: httpx.AsyncClient,
    editor: dict,
    themes: dict,
    cache: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runtime.settings, "catalog_cache", cache)
    await add(client, editor, "video", _video(themes["stories"], "Cached"))
    bad_headers = (
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
    )
    paths = ("/api/v1/videos", "/api/v1/themes", "/api/v1/search?q=cached", "/api/v1/tabs/explore")
    for path in paths:  # first on a cold cache, then on a warm one
        for _ in range(2):
            for headers in bad_headers:
                bad = await client.get(path, headers=headers)
                assert bad.status_code == 401, (path, headers)
                assert bad.json()["code"] == "invalid_token"
                assert bad.headers["www-authenticate"] == "Bearer"
            assert (await client.get(path)).status_code == 200
    good = await client.get("/api/v1/videos", headers=editor)
    assert [i["title"] for i in good.json()["items"]] == ["Cached"]


async def test_list_and_search_queries_are_documented_and_validated(
    client: httpx.AsyncClient,
) -> None:
    spec = (await client.get("/openapi.json")).json()
    validate(spec)  # the document Swagger UI reads is valid OpenAPI
    videos = spec["paths"]["/api/v1/videos"]["get"]
    params = {p["name"]: p for p in videos["parameters"]}
    assert set(params) == {"limit", "cursor", "theme", "series", "age", "language", "tag", "sort"}
    assert all(p["in"] == "query" and not p["required"] for p in params.values())
    schemas = spec["components"]["schemas"]
    # One schema per concept: the sort and the content kind are references.
    assert params["sort"]["schema"]["$ref"] == "#/components/schemas/Sort"
    assert schemas["Sort"]["enum"] == ["newest", "title"]
    assert params["limit"]["schema"]["maximum"] == 100
    assert "security" not in videos  # a token is optional: no requirement
    search = {p["name"]: p for p in spec["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert search["q"]["required"] is True
    assert search["kind"]["schema"]["anyOf"][0]["$ref"] == "#/components/schemas/ContentKind"
    assert schemas["ContentKind"]["enum"] == ["video", "ebook", "diy"]

    bad = await client.get("/api/v1/videos", params={"age": 40, "sort": "x"})
    assert bad.status_code == 422
    assert [e["loc"] for e in bad.json()["errors"]] == [["query", "age"], ["query", "sort"]]
    missing = await client.get("/api/v1/search", params={"kind": "film"})
    assert missing.status_code == 422
    assert [e["loc"] for e in missing.json()["errors"]] == [["query", "q"], ["query", "kind"]]
