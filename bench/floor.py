"""The floor: bare Starlette + asyncpg doing the same SQL, the same JWT check and returning
the same JSON as the app's hot paths. The app is measured as a ratio of this."""

from __future__ import annotations

import gc
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.auth.tokens import InvalidToken, TokenIssuer
from app.catalog import queries
from app.catalog.queries import ListFilters
from app.catalog.schemas import Kind
from app.core.config import Settings

settings = Settings()
tokens = TokenIssuer.from_settings(settings)
pool: asyncpg.Pool[Any]

FIELDS = (
    "id",
    "title",
    "theme_id",
    "age_min",
    "age_max",
    "language",
    "tags",
    "published_at",
    "image_url",
    "duration_ms",
    "series_id",
    "episode",
    "category",
    "author",
    "difficulty",
    "minutes",
)


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, UUID):
        return str(value)
    return value


def card(kind: Kind, row: Any) -> dict[str, Any]:
    values = list(row[:16])
    values[6] = list(values[6])
    values[8] = queries.image_url(values[8])
    item = {name: _json(value) for name, value in zip(FIELDS, values, strict=True)}
    item["kind"] = kind.value
    return item


def check_token(request: Request) -> bool:
    """The app's own check (PyJWT, pinned HS256, required claims, remembered while valid)."""
    header = request.headers.get("authorization", "")
    if not header.startswith("Bearer "):
        return True
    try:
        tokens.decode(header[7:], "access", "explorer")
    except InvalidToken:
        return False
    return True


async def videos(request: Request) -> Response:
    if not check_token(request):
        return Response(status_code=401)
    limit = int(request.query_params.get("limit", 20))
    filters = ListFilters(theme=request.query_params.get("theme"))
    sql, params = queries.list_sql(Kind.video, filters, limit, request.query_params.get("cursor"))
    async with pool.acquire() as conn:
        rows = await conn.fetch(sql, *params)
    body = {
        "items": [card(Kind.video, r) for r in rows[:limit]],
        "next_cursor": queries.next_cursor(Kind.video, filters.sort, rows, limit),
    }
    return Response(json.dumps(body), media_type="application/json")


async def search(request: Request) -> Response:
    if not check_token(request):
        return Response(status_code=401)
    q = request.query_params["q"]
    async with pool.acquire() as conn:
        rows = await conn.fetch(queries.SEARCH_SQL, q.lower(), queries.prefix_query(q), None, 20)
    items = [{**card(Kind(r[16]), r), "score": round(float(r[17]), 4)} for r in rows]
    return Response(json.dumps({"items": items}), media_type="application/json")


async def explore(request: Request) -> Response:
    if not check_token(request):
        return Response(status_code=401)
    kinds = [Kind.video, Kind.ebook, Kind.diy]
    async with pool.acquire() as conn:
        featured: list[dict[str, Any]] = []
        for kind in kinds:
            sql, params = queries.newest_sql(kind, 8, None)
            featured += [card(kind, r) for r in await conn.fetch(sql, *params)]
        featured.sort(key=lambda c: c["published_at"], reverse=True)
        themes = await conn.fetch(
            "SELECT id, kind, slug, title, description, colour, sort_order, cover_asset_id "
            "FROM theme "
            "WHERE kind = ANY($1::text[])",
            [k.value for k in kinds],
        )
        rows: dict[UUID, list[dict[str, Any]]] = {}
        for kind in kinds:
            sql, params = queries.rows_per_theme_sql(kind, 10, None)
            for r in await conn.fetch(sql, *params):
                rows.setdefault(r[2], []).append(card(kind, r))
    order = {k.value: i for i, k in enumerate(kinds)}
    themes = sorted(themes, key=lambda t: (order[t[1]], t[6], t[3]))
    out_rows = [
        {
            "title": t[3],
            "theme": {
                "id": str(t[0]),
                "kind": t[1],
                "slug": t[2],
                "title": t[3],
                "description": t[4],
                "colour": t[5],
                "sort_order": t[6],
                "cover_url": queries.image_url(t[7]),
            },
            "category": None,
            "items": rows[t[0]],
        }
        for t in themes
        if rows.get(t[0])
    ]
    return Response(
        json.dumps({"featured": featured[:8], "rows": out_rows}), media_type="application/json"
    )


async def _no_reset(conn: asyncpg.Connection[Any]) -> None:
    pass


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    global pool
    dsn = os.environ["FLOOR_DSN"]
    # The app's own process-level settings, so that the ratio measures the framework: its
    # pool skips the reset query, and the start-up heap is frozen out of the collector.
    pool = await asyncpg.create_pool(
        dsn, min_size=16, max_size=settings.db_pool_size, reset=_no_reset
    )
    gc.freeze()
    yield
    await pool.close()


app = Starlette(
    routes=[
        Route("/api/v1/videos", videos),
        Route("/api/v1/search", search),
        Route("/api/v1/tabs/explore", explore),
    ],
    lifespan=lifespan,
)
