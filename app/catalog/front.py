"""The front of the public catalogue reads: runs before routing, for every GET under
`PUBLIC_PREFIXES`.

- A token that is sent is checked here, once: a bad one is a 401, a missing one is fine (the
  catalogue is public). The hot routes therefore take no token dependency: FastAPI's
  dependency solving was a large share of an uncached list request (bench/README.md). Routes
  that personalise (a screen for one explorer) still ask for the caller themselves.
- The hottest reads (the lists, search, the app screens, themes and series) are answered
  here, cache hit or miss, by the same service functions as their routes: routing, request
  handling and the rest of the middleware stack were close to half of an uncached request.
  The routes stay declared (the OpenAPI document, and every request the front leaves to
  them); tests/catalog/test_front.py checks that both answer byte for byte the same.
- Cache hits are answered from the shared cache before the per-IP budget, as before; a miss
  counts against it, as a routed request would. Errors are rendered by the app's own
  exception handlers, so a 400, 404 or 422 reads the same from either side.

Left to the routes: an item's detail (its media links are signed on a database session),
a screen for one explorer, and anything the front does not recognise exactly.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from app.auth.deps import check_authorization
from app.catalog import service as catalog_service
from app.catalog.params import (
    API,
    CATALOG_TAG,
    QUERIES,
    TABS,
    ListQuery,
    SearchQuery,
    SeriesListQuery,
    ThemesQuery,
    front_cache_key,
    public_cache_key,
)
from app.catalog.queries import ListFilters
from app.catalog.schemas import Kind
from app.core.cache import hot_get
from app.core.errors import Unauthorized, error_response
from app.core.front import UUID_TEXT, handler_for
from app.core.http_cache import cached_answer, conditional_response
from app.core.query import QueryModel
from app.core.ratelimit import Limit
from app.runtime import Runtime

PUBLIC_PREFIXES = (
    f"{API}/videos",
    f"{API}/ebooks",
    f"{API}/diys",
    f"{API}/themes",
    f"{API}/series",
    f"{API}/search",
    TABS,
)
# The screens the tab route declares (its `Literal`); any other name is the route's 422.
SCREENS = frozenset({"explore", "videos", "ebooks", "adventure-show"})

Build = Callable[[], Awaitable[BaseModel]]


@dataclass(frozen=True)
class Read:
    """A public read the front answers: its cache key, and how its route builds it."""

    key: str
    build: Build


def _list(kind: Kind) -> Callable[[Runtime, QueryModel], Build]:
    def read(runtime: Runtime, query: QueryModel) -> Build:
        assert isinstance(query, ListQuery)
        filters = ListFilters(
            query.theme,
            getattr(query, "series", None),
            query.age,
            query.language,
            query.tag,
            query.sort,
        )
        return lambda: catalog_service.list_cards(
            runtime.db, kind, filters, query.limit, query.cursor
        )

    return read


def _search(runtime: Runtime, query: QueryModel) -> Build:
    assert isinstance(query, SearchQuery)
    return lambda: catalog_service.search(runtime.db, query.q, query.kind, query.limit)


def _themes(runtime: Runtime, query: QueryModel) -> Build:
    assert isinstance(query, ThemesQuery)
    return lambda: catalog_service.themes(runtime.db, query.kind, query.limit, query.cursor)


def _series_list(runtime: Runtime, query: QueryModel) -> Build:
    assert isinstance(query, SeriesListQuery)
    return lambda: catalog_service.series_list(runtime.db, query.theme, query.limit, query.cursor)


# Paths whose answer depends on their query string (app.catalog.params.QUERIES): each with
# what its route builds from the validated query.
_BY_QUERY: dict[str, Callable[[Runtime, QueryModel], Build]] = {
    f"{API}/videos": _list(Kind.video),
    f"{API}/ebooks": _list(Kind.ebook),
    f"{API}/diys": _list(Kind.diy),
    f"{API}/search": _search,
    f"{API}/themes": _themes,
    f"{API}/series": _series_list,
}
assert _BY_QUERY.keys() == QUERIES.keys()
_THEME = f"{API}/themes/"
_SERIES = f"{API}/series/"


# The validated query and its cache key, by path and query text: the same text always
# validates the same way, and parsing it (pydantic, then the key's JSON) was a tenth of a
# cache hit. Clients send few distinct queries; the memory is emptied when it fills.
_PARSED: dict[tuple[str, bytes], tuple[str, QueryModel]] = {}
_PARSED_MAX = 4096


def _parsed(path: str, query_string: bytes) -> tuple[str, QueryModel]:
    found = _PARSED.get((path, query_string))
    if found is None:
        query = QUERIES[path].parse(QueryParams(query_string))  # a refusal is not kept
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        found = _PARSED[(path, query_string)] = (public_cache_key(path, query), query)
    return found


def _read(runtime: Runtime, path: str, query_string: bytes) -> Read | None:
    """The read the front answers for this path and query, or None to leave it to routing.
    Raises the route's RequestValidationError for a query it would refuse."""
    by_query = _BY_QUERY.get(path)
    if by_query is not None:
        key, query = _parsed(path, query_string)
        return Read(key, by_query(runtime, query))
    db = runtime.db
    if path.startswith(TABS):
        tab = path[len(TABS) :]
        # A screen for one explorer reads the caller and a profile: the route's work.
        if tab not in SCREENS or "profile_id" in QueryParams(query_string):
            return None
        return Read(public_cache_key(path, None), lambda: catalog_service.screen(db, tab, None))
    if path.startswith(_THEME):
        slug = path[len(_THEME) :]
        if not slug or "/" in slug:
            return None
        return Read(public_cache_key(path, None), lambda: catalog_service.theme_by_slug(db, slug))
    if path.startswith(_SERIES):
        ident = path[len(_SERIES) :]
        if not UUID_TEXT.fullmatch(ident):  # the series route's `{series_id:uuid}`
            return None
        series_id = uuid.UUID(ident)
        return Read(
            public_cache_key(path, None), lambda: catalog_service.series_detail(db, series_id)
        )
    return None


def _headers(scope: Scope) -> tuple[str | None, str | None]:
    """Authorization and If-None-Match, in one pass over the raw headers."""
    authorization = if_none_match = None
    for key, value in scope["headers"]:
        if key == b"authorization":
            authorization = value.decode("latin-1")
        elif key == b"if-none-match":
            if_none_match = value.decode("latin-1")
    return authorization, if_none_match


class CatalogFrontMiddleware:
    """`answer=False` leaves every miss to the routes (as before this front answered them):
    for tests that compare the two."""

    def __init__(self, app: ASGIApp, *, limit: Limit, answer: bool = True) -> None:
        self.app = app
        # The per-IP budget of /api/v1, the one RateLimitMiddleware applies (app/api.py).
        self.limit = limit
        self.answer = answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not path.startswith(PUBLIC_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        runtime: Runtime = scope["app"].state.runtime
        authorization, if_none_match = _headers(scope)
        try:
            await check_authorization(runtime.tokens, runtime.revocations, authorization)
        except Unauthorized as exc:
            await error_response(exc)(scope, receive, send)
            return
        if not self.answer:
            await self._hit_or_route(runtime, scope, receive, send, if_none_match)
            return
        try:
            response = await self._answer(runtime, scope, if_none_match)
        except Exception as exc:
            handler = handler_for(scope, exc)
            if handler is None:
                raise  # a crash or an outage: RequestContextMiddleware answers it
            response = await handler(Request(scope), exc)
        if response is None:
            await self._hit_or_route(runtime, scope, receive, send, if_none_match)
            return
        await response(scope, receive, send)

    async def _answer(
        self, runtime: Runtime, scope: Scope, if_none_match: str | None
    ) -> ASGIApp | None:
        """The response to a read the front answers; None to leave it to routing."""
        settings = runtime.settings
        refused: RequestValidationError | None = None
        try:
            read = _read(runtime, scope["path"], scope.get("query_string", b""))
        except RequestValidationError as exc:
            read, refused = None, exc
        if read is None and refused is None:
            return None
        key = read.key if read is not None and settings.catalog_cache else None
        if key is not None:
            hit = await hot_get(runtime.cache, key)
            if hit is not None:
                return self._answer_hit(hit, if_none_match, settings.cache_ttl_seconds)
        # Anything but a hit counts against the per-IP budget, as the same request does on
        # its way to the route (RateLimitMiddleware, app/api.py).
        client = scope.get("client")
        await runtime.rate_limiter.hit("api", client[0] if client else "unknown", self.limit)
        if refused is not None:
            raise refused
        assert read is not None
        return await cached_answer(
            runtime.cache,
            key,
            read.build,
            if_none_match,
            ttl=settings.cache_ttl_seconds,
            tag=CATALOG_TAG,
        )

    async def _hit_or_route(
        self,
        runtime: Runtime,
        scope: Scope,
        receive: Receive,
        send: Send,
        if_none_match: str | None,
    ) -> None:
        settings = runtime.settings
        if settings.catalog_cache:
            # The key of the validated query, as the route stores it; none for a query the
            # route must refuse, or a screen for one explorer (it varies by the age band).
            key = front_cache_key(scope["path"], QueryParams(scope.get("query_string", b"")))
            hit = None if key is None else await hot_get(runtime.cache, key)
            if hit is not None:
                await self._answer_hit(hit, if_none_match, settings.cache_ttl_seconds)(
                    scope, receive, send
                )
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _answer_hit(hit: tuple[str, bytes], if_none_match: str | None, ttl: int) -> ASGIApp:
        etag, body = hit
        return conditional_response(
            body,
            if_none_match,
            media_type="application/json",
            cache_control=f"public, max-age={ttl}",
            etag=etag,
        )
