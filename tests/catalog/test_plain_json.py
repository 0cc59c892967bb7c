"""The screens and search are written as JSON straight from their rows (queries.card_plain),
never validated into models: what they write must be, byte for byte, what the models'
serializers write of the same content."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from app.catalog import queries
from app.catalog import service as catalog_service
from app.catalog.queries import ListFilters
from app.catalog.schemas import (
    Card,
    CardPage,
    Kind,
    Screen,
    SearchHit,
    SearchResults,
    Sort,
    ThemeOut,
)
from app.core.http_cache import Written, written
from app.library.schemas import ExplorerScreen
from app.runtime import Runtime
from tests.catalog.conftest import add

# What JSON escapes, and what it does not.
ODD = 'Say "hi" \\ back\tslash/ Ànànsì 🥁 \u2028 \x7f end'


def _model_json(model: type[BaseModel], answer: BaseModel) -> bytes:
    """The JSON of `answer`'s fields (plain, as written) validated into `model`, by the
    model's own serializer."""
    validated = model.model_validate({name: getattr(answer, name) for name in model.model_fields})
    return model.__pydantic_serializer__.to_json(validated)


def _written_json(answer: BaseModel) -> bytes:
    assert isinstance(answer, Written)
    body = answer.written_json()
    assert body is not None
    return body


def test_plain_fields_are_the_models_fields_in_order() -> None:
    card = queries.card_plain("video", [None] * queries.CARD_WIDTH)
    assert list(card) == list(Card.model_fields)
    theme = queries.theme_plain([None] * queries.THEME_WIDTH)
    assert list(theme) == list(ThemeOut.model_fields)
    hit = queries.hit_plain([None] * queries.CARD_WIDTH + ["ebook", 0.5])
    assert list(hit) == list(SearchHit.model_fields)


def _card(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "kind": "video",
        "title": ODD,
        "theme_id": str(uuid.uuid4()),
        "age_min": 3,
        "age_max": 12,
        "language": "en-GB",
        "tags": [ODD, "drum"],
        "published_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "image_url": None,
        "duration_ms": None,
        "series_id": None,
        "episode": None,
        "category": None,
        "author": None,
        "difficulty": None,
        "minutes": None,
    }
    return {**base, **fields}


def test_written_json_is_what_the_models_write_of_the_same_fields() -> None:
    theme = {
        "id": str(uuid.uuid4()),
        "kind": "video",
        "slug": "stories",
        "title": ODD,
        "description": "",
        "colour": "#ffb300",
        "sort_order": 2_000_000_000,
        "cover_url": f"/api/v1/assets/{uuid.uuid4()}",
    }
    cards = [
        _card(),
        _card(
            published_at=datetime(2026, 1, 2, 3, 4, 5, 120, tzinfo=UTC),
            image_url=f"/api/v1/assets/{uuid.uuid4()}",
            duration_ms=0,
            series_id=str(uuid.uuid4()),
            episode=7,
            category="music",
            tags=[],
        ),
        _card(kind="ebook", author=ODD, published_at=None),
        _card(kind="diy", category="diy", difficulty="hard", minutes=600),
    ]
    fields = {
        "featured": cards,
        "rows": [
            {"title": ODD, "theme": theme, "category": None, "items": cards},
            {"title": "DIY", "theme": None, "category": "diy", "items": cards[3:]},
        ],
    }
    screen = written(catalog_service.WrittenScreen, fields)
    assert _written_json(screen) == Screen.__pydantic_serializer__.to_json(
        Screen.model_validate(fields)
    )
    hits = {
        "items": [{**c, "score": s} for c, s in zip(cards, (0.0, 1.0, 0.1235, 12.5), strict=True)]
    }
    results = written(catalog_service.WrittenResults, {**hits, "next_cursor": None})
    assert _written_json(results) == SearchResults.__pydantic_serializer__.to_json(
        SearchResults.model_validate(hits)
    )


@pytest.fixture
async def catalogue(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict[str, str], themes: dict[str, str]
) -> Runtime:
    """Items of every kind, with every optional field and odd text, and plain ones."""
    series = await client.post(
        "/api/v1/admin/series",
        json={"theme_id": themes["stories"], "slug": "odd-tales", "title": "Odd tales"},
        headers=editor,
    )
    assert series.status_code == 201, series.text
    common = {"description": ODD, "tags": ["Drum", "odd"], "age_min": 4, "age_max": 9}
    await add(
        client,
        editor,
        "video",
        {
            **common,
            "theme_id": themes["stories"],
            "title": f"Anansi {ODD}",
            "series_id": series.json()["id"],
            "episode": 3,
            "duration_ms": 61_000,
            "category": "music",
        },
    )
    await add(
        client,
        editor,
        "ebook",
        {**common, "theme_id": themes["folktales"], "title": f"Anansi {ODD}", "author": ODD},
    )
    await add(
        client,
        editor,
        "diy",
        {**common, "theme_id": themes["crafts"], "title": f"Anansi {ODD}", "minutes": 45},
    )
    for n, theme in enumerate(("stories", "science", "stories")):
        category = {"category": "science"} if theme == "science" else {}
        await add(
            client, editor, "video", {"theme_id": themes[theme], "title": f"Drum {n}", **category}
        )
    return runtime


@pytest.mark.parametrize("tab", ["explore", "videos", "ebooks", "adventure-show"])
@pytest.mark.parametrize("band", [None, (6, 8)])
async def test_screens_write_what_the_model_writes(
    catalogue: Runtime, tab: str, band: tuple[int, int] | None
) -> None:
    async with catalogue.db.raw_connection() as conn:
        screen = await catalog_service.screen(conn, tab, band)
    assert screen.rows
    assert _written_json(screen) == _model_json(Screen, screen)
    # The explorer's screen validates the same fields into its own models.
    personal = ExplorerScreen(featured=screen.featured, rows=screen.rows, due_soon=[])
    expected = ExplorerScreen.model_validate(
        {**Screen.model_validate_json(_written_json(screen)).model_dump(), "due_soon": []}
    )
    assert personal == expected


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("sort", list(Sort))
async def test_lists_write_what_the_model_writes(
    catalogue: Runtime, kind: Kind, sort: Sort
) -> None:
    filters = ListFilters(None, None, None, None, None, sort)
    async with catalogue.db.raw_connection() as conn:
        page = await catalog_service.list_cards(conn, kind, filters, 2, None)
        assert page.items
        assert _written_json(page) == _model_json(CardPage, page)
        following = await catalog_service.list_cards(conn, kind, filters, 2, page.next_cursor)
    assert _written_json(following) == _model_json(CardPage, following)


@pytest.mark.parametrize("q", ["anansi", "anansi drum", "anansy", "odd"])
async def test_search_writes_what_the_model_writes(catalogue: Runtime, q: str) -> None:
    async with catalogue.db.raw_connection() as conn:
        results = await catalog_service.search(conn, q, None, 20)
    assert results.items
    assert _written_json(results) == _model_json(SearchResults, results)
