"""The floor: the fastest plain version of each hot path, against which the app is measured.

Bare Starlette + asyncpg running the app's own SQL (`app.catalog.queries`), the app's own
token check, and orjson for the JSON; with the app's process settings (a pool without the
reset query, the start-up heap frozen), so that a ratio measures the framework and the code
around the SQL, nothing else. The bench checks before measuring that the floor answers the
same JSON as the app.

A new hot path adds its handler here with `@route(path, methods)`.
"""

from __future__ import annotations

import gc
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, cast

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.auth.deps import check_authorization
from app.auth.revocation import Revocations
from app.auth.tokens import TokenIssuer
from app.catalog import queries
from app.catalog.queries import ListFilters
from app.catalog.schemas import Kind
from app.core.cache import create_cache
from app.core.config import Settings
from app.core.db import Database
from app.core.errors import Unauthorized

settings = Settings()
tokens = TokenIssuer.from_settings(settings)
pool: asyncpg.Pool[Any]


class _PoolDatabase:
    """What the revocation check needs of a database, on the floor's own pool."""

    @asynccontextmanager
    async def raw_connection(self) -> AsyncIterator[asyncpg.Connection[Any]]:
        async with pool.acquire() as conn:
            yield conn


revocations = Revocations(create_cache(settings, prefix="floor"), cast(Database, _PoolDatabase()))
ROUTES: list[Route] = []

Handler = Callable[[Request], Awaitable[Response]]

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


def route(path: str, methods: tuple[str, ...] = ("GET",)) -> Callable[[Handler], Handler]:
    """Registers a handler behind the app's own token check (PyJWT, pinned HS256, required
    claims, remembered while valid; then the account's revocation stamp from the cache): a
    bad or revoked token is a 401, as in the app."""

    def register(handler: Handler) -> Handler:
        async def checked(request: Request) -> Response:
            try:
                await check_authorization(tokens, revocations, request.headers.get("authorization"))
            except Unauthorized:
                return Response(status_code=401)
            return await handler(request)

        ROUTES.append(Route(path, checked, methods=list(methods)))
        return handler

    return register


def json_response(body: Any) -> Response:
    # Datetimes natively, UTC as 'Z' as pydantic writes it; UUIDs arrive as text (the pool).
    return Response(orjson.dumps(body, option=orjson.OPT_UTC_Z), media_type="application/json")


def card(kind: Kind, row: Any, at: int = 0) -> dict[str, Any]:
    """A card from the columns of `queries.card_columns(kind)`, starting at column `at`."""
    item = dict(zip(FIELDS, row[at : at + 16], strict=True))
    item["image_url"] = queries.image_url(item["image_url"])
    item["kind"] = kind.value
    return item


@route("/api/v1/videos")
async def videos(request: Request) -> Response:
    params = request.query_params
    limit = int(params.get("limit", 20))
    filters = ListFilters(theme=params.get("theme"))
    sql, args = queries.list_sql(Kind.video, filters, limit, params.get("cursor"))
    async with pool.acquire() as conn:
        rows = await conn.fetch(sql, *args)
    return json_response(
        {
            "items": [card(Kind.video, r) for r in rows[:limit]],
            "next_cursor": queries.next_cursor(Kind.video, filters.sort, rows, limit),
        }
    )


@route("/api/v1/search")
async def search(request: Request) -> Response:
    q = request.query_params["q"]
    terms = queries.prefix_query(q)
    if terms is None:
        return json_response({"items": []})
    async with pool.acquire() as conn:
        rows = await conn.fetch(queries.SEARCH_SQL, q.lower(), terms, None, 20)
    items = [{**card(Kind(r[16]), r), "score": round(float(r[17]), 4)} for r in rows]
    return json_response({"items": items})


EXPLORE_KINDS = (Kind.video, Kind.ebook, Kind.diy)
# rows_per_theme_sql: the theme's columns, then the card's.
THEME_WIDTH = len(queries.THEME_COLUMNS.split(", "))


@route("/api/v1/tabs/explore")
async def explore(request: Request) -> Response:
    featured: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    async with pool.acquire() as conn:
        for kind in EXPLORE_KINDS:
            sql, args = queries.newest_sql(kind, 8, None)
            featured += [card(kind, r) for r in await conn.fetch(sql, *args)]
        for kind in EXPLORE_KINDS:
            sql, args = queries.rows_per_theme_sql(kind, 10, None)
            current: dict[str, Any] | None = None
            for r in await conn.fetch(sql, *args):
                if current is None or current["theme"]["id"] != r[0]:
                    theme = {
                        "id": r[0],
                        "kind": r[1],
                        "slug": r[2],
                        "title": r[3],
                        "description": r[4],
                        "colour": r[5],
                        "sort_order": r[6],
                        "cover_url": queries.image_url(r[7]),
                    }
                    current = {"title": r[3], "theme": theme, "category": None, "items": []}
                    rows.append(current)
                current["items"].append(card(kind, r, THEME_WIDTH))
    featured.sort(key=lambda c: c["published_at"], reverse=True)
    return json_response({"featured": featured[:8], "rows": rows})


async def _no_reset(conn: asyncpg.Connection[Any]) -> None:
    pass


async def _uuids_as_text(conn: asyncpg.Connection[Any]) -> None:
    # orjson writes str at once; asyncpg's own UUID type it cannot write.
    await conn.set_type_codec("uuid", encoder=str, decoder=str, schema="pg_catalog", format="text")


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    global pool
    # The app's own process-level settings, so that the ratio measures the framework: its
    # pool skips the reset query, and the start-up heap is frozen out of the collector.
    pool = await asyncpg.create_pool(
        os.environ["FLOOR_DSN"],
        min_size=16,
        max_size=settings.db_pool_size,
        reset=_no_reset,
        init=_uuids_as_text,
    )
    gc.freeze()
    yield
    await pool.close()


app = Starlette(routes=ROUTES, lifespan=lifespan)
