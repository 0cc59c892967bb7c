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
import math
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.auth.caller import Caller, caller_from_header, caller_from_token
from app.auth.revocation import Revocations
from app.auth.tokens import TokenIssuer
from app.catalog import lookups, queries
from app.catalog import service as catalog_service
from app.catalog.queries import ListFilters
from app.catalog.schemas import Kind
from app.classrooms import queries as classrooms_queries
from app.core.cache import create_cache
from app.core.coherence import Coherence
from app.core.config import Settings
from app.core.db import Database
from app.core.errors import Unauthorized
from app.progress import queries as progress_queries
from app.progress import service as progress_service
from app.progress.service import COMPLETE_SHARE, END_TOLERANCE_MS, FUTURE_SKEW, MAX_CREDIT_MS
from app.quizzes import queries as quiz_queries
from app.quizzes.service import ATTEMPT_TTL
from app.rewards import queries as rewards_queries

settings = Settings()
tokens = TokenIssuer.from_settings(settings)
pool: asyncpg.Pool[Any]
revocation_pool: asyncpg.Pool[Any]


class _PoolDatabase:
    """What the revocation check needs of a database: connections that read uuids as the
    app's do (the check compares a profile's owner with the token's account, for an
    explorer's token), from a small pool beside the floor's (misses only: then cached)."""

    @asynccontextmanager
    async def raw_connection(self) -> AsyncIterator[asyncpg.Connection[Any]]:
        async with revocation_pool.acquire() as conn:
            yield conn


_cache = create_cache(settings, prefix="floor")
_database = cast(Database, _PoolDatabase())
revocations = Revocations(_cache, _database, Coherence(_database, _cache, enabled=False))
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
                authorization = request.headers.get("authorization")
                if authorization:
                    await caller_from_header(tokens, revocations, authorization)
            except Unauthorized:
                return Response(status_code=401)
            return await handler(request)

        ROUTES.append(Route(path, checked, methods=list(methods)))
        return handler

    return register


ProfileHandler = Callable[[Request, Caller, "asyncpg.Connection[Any]", str], Awaitable[Response]]


def profile_route(
    path: str, methods: tuple[str, ...], *, transaction: bool = False
) -> Callable[[ProfileHandler], ProfileHandler]:
    """A `/profiles/{profile_id}/...` handler behind the app's token check (signed in
    required) and its profile scope (the explorer of that profile or a parent of its family;
    anything else 404), on one pooled connection (in a transaction when the handler locks)."""

    def register(handler: ProfileHandler) -> ProfileHandler:
        async def checked(request: Request) -> Response:
            scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
            if scheme.lower() != "bearer" or not token:
                return Response(status_code=401)
            try:
                caller = await caller_from_token(tokens, revocations, token)
            except Unauthorized:
                return Response(status_code=401)
            profile_id = request.path_params["profile_id"]
            if caller.is_explorer and str(caller.profile_id) != profile_id:
                return Response(status_code=404)
            async with pool.acquire() as conn:
                if transaction:
                    async with conn.transaction():
                        return await _scoped(handler, request, caller, conn, profile_id)
                return await _scoped(handler, request, caller, conn, profile_id)

        ROUTES.append(Route(path, checked, methods=list(methods)))
        return handler

    return register


async def _scoped(
    handler: ProfileHandler,
    request: Request,
    caller: Caller,
    conn: asyncpg.Connection[Any],
    profile_id: str,
) -> Response:
    owner = await conn.fetchval(PROFILE_OWNER_SQL, profile_id)
    if owner is None or owner != str(caller.account_id):
        return Response(status_code=404)
    return await handler(request, caller, conn, profile_id)


PROFILE_OWNER_SQL = "SELECT account_id FROM profile WHERE id = $1"


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
        return json_response({"items": [], "next_cursor": None})
    async with pool.acquire() as conn:
        rows = await conn.fetch(queries.SEARCH_SQL, q.lower(), terms, None, 20)
    items = [{**card(Kind(r[16]), r), "score": round(float(r[17]), 4)} for r in rows]
    # The app's one list shape: search has no further page.
    return json_response({"items": items, "next_cursor": None})


EXPLORE_KINDS = (Kind.video, Kind.ebook, Kind.diy)
# rows_per_theme_sql: the theme's columns, then the card's.
THEME_WIDTH = len(queries.THEME_COLUMNS.split(", "))


@route("/api/v1/tabs/explore")
async def explore(request: Request) -> Response:
    rows: list[dict[str, Any]] = []
    newest: list[tuple[Kind, Any]] = []
    async with pool.acquire() as conn:
        for kind in EXPLORE_KINDS:
            sql, args = queries.newest_sql(kind, 8, None)
            newest += [(kind, r) for r in await conn.fetch(sql, *args)]
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
    # Only the newest eight of the three kinds become cards (published_at: column 7).
    newest.sort(key=lambda found: found[1][7], reverse=True)
    featured = [card(kind, r) for kind, r in newest[:8]]
    return json_response({"featured": featured, "rows": rows})


# --- progress, library, quizzes ------------------------------------------------------------

MAX_MS = 24 * 3600 * 1000


def _problem(status: int) -> Response:
    return Response(status_code=status)


def _beat(body: bytes) -> tuple[int, list[tuple[int, int]], datetime] | None:
    """A video heartbeat's fields, checked as the app's schema checks them; None if bad."""
    try:
        beat = orjson.loads(body)
        if set(beat) - {"position_ms", "watched", "sent_at"}:
            return None
        position = beat["position_ms"]
        watched = [(int(s), int(e)) for s, e in beat.get("watched", [])]
        sent_at = datetime.fromisoformat(beat["sent_at"])
    except (ValueError, KeyError, TypeError):
        return None
    if type(position) is not int or not 0 <= position <= MAX_MS or sent_at.tzinfo is None:
        return None
    if len(watched) > 500 or any(not 0 <= s <= e <= MAX_MS for s, e in watched):
        return None
    return position, watched, sent_at


def _union_length(intervals: list[tuple[int, int]]) -> int:
    total, end = 0, -1
    for start, stop in sorted(intervals):
        if stop > end:
            total += stop - max(start, end)
            end = stop
    return total


@profile_route("/api/v1/profiles/{profile_id}/progress/video/{item_id}", ("PUT",))
async def video_heartbeat(
    request: Request, caller: Caller, conn: asyncpg.Connection[Any], profile_id: str
) -> Response:
    beat = _beat(await request.body())
    if beat is None:
        return _problem(422)
    position, watched, sent_at = beat
    now = datetime.now(UTC)
    item_id = request.path_params["item_id"]
    facts = await conn.fetchrow(lookups._FACTS_SQL[Kind.video], item_id)
    if facts is None:
        return _problem(404)
    total = facts["units"]
    limit = (total or 0) + END_TOLERANCE_MS
    if not total or sent_at > now + FUTURE_SKEW or position > limit:
        return _problem(422)
    if any(s > limit or e > limit for s, e in watched):
        return _problem(422)
    intervals = [(min(s, total), min(e, total)) for s, e in watched]
    # The one upsert statement, on its own: atomic without an explicit transaction.
    row = await conn.fetchrow(
        progress_queries.HEARTBEAT_SQL,
        profile_id,
        "video",
        item_id,
        sent_at,
        now,
        min(position, total),
        None,
        None,
        [s for s, _ in intervals],
        [e for _, e in intervals],
        total,
        max(1, math.ceil(total * COMPLETE_SHARE)),
        _union_length(intervals),
        MAX_CREDIT_MS,
        # The reward counters a completion feeds, and the learning a streak day needs.
        [
            "items",
            "items:kind:video",
            f"items:theme:{facts['theme_id']}",
            f"items:item:{item_id}",
            "read_aloud",
            *([f"items:series:{facts['series_id']}"] if facts["series_id"] else []),
        ],
        5 * 60_000,
    )
    if row is None:
        row = await conn.fetchrow(progress_queries.STATE_SQL, profile_id, "video", item_id)
    return json_response(progress_queries.state_of(row))


def _library_card(row: Any, progress: Any, saved_at: Any) -> dict[str, Any]:
    return {**card(Kind(row["kind"]), row), "progress": progress, "saved_at": saved_at}


async def _cards(conn: asyncpg.Connection[Any], ids: list[str]) -> dict[str, Any]:
    if not ids:
        return {}
    return {r["id"]: r for r in await conn.fetch(lookups._CARDS_SQL, ids)}


SCREEN_ROW = 10
EVER = datetime(2000, 1, 1, tzinfo=UTC)


@profile_route("/api/v1/profiles/{profile_id}/library", ("GET",))
async def library(
    request: Request, caller: Caller, conn: asyncpg.Connection[Any], profile_id: str
) -> Response:
    now = datetime.now(UTC)
    n = SCREEN_ROW
    q = progress_queries
    going = await conn.fetch(q._LIST_SQL, profile_id, None, "in_progress", None, None, n + 1)
    cards = await _cards(conn, [r["item_id"] for r in going[:n]])
    continue_ = [
        _library_card(cards[r["item_id"]], q.state_of(r), None)
        for r in going[:n]
        if r["item_id"] in cards
    ]
    done = await conn.fetch(q._COMPLETED_SQL, profile_id, None, None, n + 1)
    cards = await _cards(conn, [r["item_id"] for r in done[:n]])
    completed = [
        _library_card(cards[r["item_id"]], q.state_of(r), None)
        for r in done[:n]
        if r["item_id"] in cards
    ]
    kept = await conn.fetch(q._SAVED_SQL, profile_id, None, None, n + 1)
    ids = [r["item_id"] for r in kept[:n]]
    cards = await _cards(conn, ids)
    states = {r["item_id"]: r for r in await conn.fetch(q._STATES_FOR_SQL, profile_id, ids)}
    saved = [
        _library_card(
            cards[r["item_id"]],
            q.state_of(states[r["item_id"]]) if r["item_id"] in states else None,
            r["saved_at"],
        )
        for r in kept[:n]
        if r["item_id"] in cards
    ]
    engaged = [r["item_id"] for r in await conn.fetch(q._ENGAGED_SQL, profile_id)]
    band = await conn.fetchval("SELECT age_band FROM profile WHERE id = $1", profile_id)
    low, high = catalog_service.age_band(band) or (0, 18)
    rows = await conn.fetch(
        lookups._RECOMMENDED_SQL, engaged, engaged, high, low, not engaged, None, None, n + 1
    )
    recommended = [_library_card(r, None, None) for r in rows[:n]]
    zone = ZoneInfo(
        await conn.fetchval("SELECT timezone FROM account WHERE id = $1", str(caller.account_id))
    )
    days = {
        r["day"]
        for r in await conn.fetch(
            q._ACTIVE_DAYS_SQL, profile_id, zone.key, settings.streak_minutes * 60_000
        )
    }
    today = now.astimezone(zone).date()
    current, longest = progress_service.streaks(days, today)
    week = progress_service.week_start(today)
    minutes = {"video": 0.0, "ebook": 0.0, "diy": 0.0}
    for r in await conn.fetch(
        q._TIME_BY_DAY_SQL,
        profile_id,
        zone.key,
        datetime.combine(week, time(), zone),
        now + timedelta(days=1),
    ):
        minutes[r["kind"]] += int(r["ms"])
    count = await conn.fetchval(q._COMPLETED_COUNT_SQL, profile_id)
    quizzes = await quiz_queries.counts(conn, uuid.UUID(profile_id), EVER, now)
    # As the app: nothing can be due outside a classroom (the bench's explorers are in none).
    if await conn.fetchval(classrooms_queries._IN_CLASSROOM_SQL, profile_id):
        raise NotImplementedError("the bench's explorers are in no classroom")
    badge = await conn.fetchrow(rewards_queries._LATEST_SQL, profile_id)
    return json_response(
        {
            "continue": continue_,
            "completed": completed,
            "saved": saved,
            "recommended": recommended,
            "stats": {
                "minutes_this_week": {k: round(ms / 60_000, 1) for k, ms in minutes.items()},
                "items_completed": int(count or 0),
                "current_streak": current,
                "longest_streak": longest,
                "quizzes_taken": quizzes["taken"],
                "quizzes_passed": quizzes["passed"],
            },
            "due_soon": [],
            "latest_badge": None
            if badge is None
            else {
                "id": badge["id"],
                "title": badge["title"],
                "description": badge["description"],
                "picture_url": f"/api/v1/assets/{badge['picture_asset_id']}"
                if badge["picture_asset_id"]
                else None,
                "earned_at": badge["earned_at"],
            },
        }
    )


@profile_route(
    "/api/v1/profiles/{profile_id}/attempts/{attempt_id}/answers/{question_id}",
    ("PUT",),
    transaction=True,
)
async def quiz_answer(
    request: Request, caller: Caller, conn: asyncpg.Connection[Any], profile_id: str
) -> Response:
    try:
        body = orjson.loads(await request.body())
        picked = [str(uuid.UUID(c)) for c in body["choice_ids"]]
        hint = body.get("hint_used", False)
    except (ValueError, KeyError, TypeError):
        return _problem(422)
    if type(hint) is not bool:
        return _problem(422)
    attempt_id = request.path_params["attempt_id"]
    question_id = request.path_params["question_id"]
    now = datetime.now(UTC)
    ctx = await conn.fetchrow(quiz_queries._ANSWER_CONTEXT_SQL, attempt_id, profile_id, question_id)
    if ctx is None or ctx["question_id"] is None or question_id not in ctx["question_order"]:
        return _problem(404)
    if ctx["closed_at"] is not None or ctx["started_at"] + ATTEMPT_TTL <= now:
        return _problem(409)
    # The bench's quizzes: single choice, answers shown at the end.
    if ctx["type"] != "single_choice" or ctx["feedback_mode"] != "at_end":
        raise NotImplementedError(ctx["type"])
    if len(picked) != 1 or picked[0] not in ctx["choice_ids"]:
        return _problem(422)
    previous = ctx["answered_ids"]
    hint_used = hint or bool(ctx["answered_hint"])
    if previous is not None and set(previous) == set(picked) and hint_used == ctx["answered_hint"]:
        hint_used = ctx["answered_hint"]
    else:
        right = [i for i, f in zip(ctx["choice_ids"], ctx["correct_flags"], strict=True) if f]
        correct = set(picked) == set(right)
        points = (Decimal(ctx["points"]) / 2 if hint_used else Decimal(ctx["points"])) * correct
        await conn.execute(
            quiz_queries._UPSERT_RESPONSE_SQL,
            attempt_id,
            question_id,
            picked,
            hint_used,
            correct,
            points,
            now,
        )
    return json_response(
        {
            "question_id": question_id,
            "choice_ids": picked,
            "order": None,
            "hint_used": hint_used,
            "correct": None,
            "explanation": None,
            "feedback": None,
            "correct_choice_ids": None,
        }
    )


async def _no_reset(conn: asyncpg.Connection[Any]) -> None:
    pass


async def _uuids_as_text(conn: asyncpg.Connection[Any]) -> None:
    # orjson writes str at once; asyncpg's own UUID type it cannot write.
    await conn.set_type_codec("uuid", encoder=str, decoder=str, schema="pg_catalog", format="text")


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    global pool, revocation_pool
    # The app's own process-level settings, so that the ratio measures the framework: its
    # pool skips the reset query, and the start-up heap is frozen out of the collector.
    pool = await asyncpg.create_pool(
        os.environ["FLOOR_DSN"],
        min_size=16,
        max_size=settings.db_pool_size,
        reset=_no_reset,
        init=_uuids_as_text,
    )
    revocation_pool = await asyncpg.create_pool(os.environ["FLOOR_DSN"], min_size=1, max_size=2)
    gc.freeze()
    yield
    await pool.close()
    await revocation_pool.close()


app = Starlette(routes=ROUTES, lifespan=lifespan)
