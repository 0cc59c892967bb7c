"""Public catalogue reads: themes, series, videos, eBooks, DIYs, search and app screens.

Every response carries an ETag and Cache-Control, answers 304 to a matching If-None-Match,
and is computed once per TTL however many children ask at the same moment.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.deps import OptionalCaller
from app.catalog import service as catalog_service
from app.catalog.params import (
    CATALOG_TAG,
    LIST_QUERIES,
    SearchQuery,
    SeriesListQuery,
    ThemesQuery,
)
from app.catalog.queries import ListFilters
from app.catalog.schemas import (
    CardPage,
    DiyOut,
    EbookOut,
    ExplorerScreen,
    Kind,
    SearchResults,
    SeriesOut,
    SeriesSummary,
    ThemeOut,
    VideoOut,
)
from app.catalog.service import MediaLinks
from app.classrooms import service as classrooms_service
from app.core.db import SessionDep
from app.core.errors import Unauthorized, problem_responses
from app.core.http_cache import cached_json
from app.core.pagination import Page
from app.core.query import QueryModel
from app.deps import runtime_of
from app.profiles import service as profiles_service
from app.progress.clock import ClockDep
from app.runtime import Runtime

# Public: no token needed. A token that is sent is still checked, before routing, by
# app.catalog.front (a bad one is a 401). The hot routes take the runtime from the request
# rather than as a dependency, and their query strings as one model (app.core.query): each
# dependency or parameter FastAPI solves costs on every request.
# Routes are matched in order: lists, search and screens first.
router = APIRouter(tags=["catalogue"])


def _cached(
    request: Request,
    build: Callable[[], Awaitable[BaseModel]],
    params: QueryModel | None = None,
    vary: str = "",
) -> Awaitable[Response]:
    runtime = runtime_of(request)
    settings = runtime.settings
    return cached_json(
        request,
        runtime.cache,
        build,
        ttl=settings.cache_ttl_seconds,
        tag=CATALOG_TAG,
        enabled=settings.catalog_cache,
        params=params,
        vary=vary,
    )


# Every public read may answer 304, and 401 to a bad token.
PUBLIC: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified"},
    **problem_responses(401),
}
# For the docs: a token is optional here (checked before routing, so not a dependency).
OPTIONAL_TOKEN: dict[str, Any] = {"security": [{}, {"OAuth2PasswordBearer": []}]}


def _list_route(kind: Kind) -> Callable[..., Awaitable[Response]]:
    model = LIST_QUERIES[kind]

    async def list_items(request: Request) -> Response:
        query = model.from_request(request)
        db = runtime_of(request).db
        filters = ListFilters(
            query.theme,
            getattr(query, "series", None),
            query.age,
            query.language,
            query.tag,
            query.sort,
        )
        return await _cached(
            request,
            lambda: catalog_service.list_cards(db, kind, filters, query.limit, query.cursor),
            query,
        )

    return list_items


for _kind, _path in ((Kind.video, "/videos"), (Kind.ebook, "/ebooks"), (Kind.diy, "/diys")):
    router.add_api_route(
        _path,
        _list_route(_kind),
        methods=["GET"],
        response_model=CardPage,
        openapi_extra={**OPTIONAL_TOKEN, **LIST_QUERIES[_kind].openapi()},
        responses={**PUBLIC, **problem_responses(400, 422)},
        summary=f"Published {_kind.value}s, newest first or by title",
        name=f"list_{_kind.value}s",
    )


@router.get(
    "/search",
    response_model=SearchResults,
    openapi_extra={**OPTIONAL_TOKEN, **SearchQuery.openapi()},
    responses={**PUBLIC, **problem_responses(422)},
    summary="Search titles, descriptions, tags and eBook text; partial words and typos welcome",
)
async def search(request: Request) -> Response:
    query = SearchQuery.from_request(request)
    db = runtime_of(request).db
    return await _cached(
        request, lambda: catalog_service.search(db, query.q, query.kind, query.limit), query
    )


@router.get(
    "/tabs/{tab}",
    name="get_tab",
    response_model=ExplorerScreen,
    responses={**PUBLIC, **problem_responses(404, 422)},
    summary="One app screen in one round trip: featured items and rows",
)
async def tab(
    tab: Literal["explore", "videos", "ebooks", "adventure-show"],
    request: Request,
    session: SessionDep,
    caller: OptionalCaller,
    clock: ClockDep,
    profile_id: uuid.UUID | None = None,
) -> Response:
    band_name = None
    due_soon = None
    if profile_id is not None:
        if caller is None:
            raise Unauthorized("Sign in to see a screen for an explorer.", code="not_authenticated")
        profile = await profiles_service.get_for(session, caller, profile_id)
        band_name = profile.age_band
        if tab == "explore":
            due_soon = await classrooms_service.due_soon(session, profile, clock())
        # Done with the session: its connection goes back to its pool before the screen
        # takes one from the hot pool (a request never holds two).
        await session.commit()
    band = catalog_service.age_band(band_name)
    if due_soon is not None:
        # One child's assignments: never in the shared cache, never in a shared proxy.
        screen = await catalog_service.screen(runtime_of(request).db, tab, band)
        personal = ExplorerScreen(featured=screen.featured, rows=screen.rows, due_soon=due_soon)
        return Response(
            ExplorerScreen.__pydantic_serializer__.to_json(personal),
            media_type="application/json",
            headers={"Cache-Control": "private, no-store"},
        )
    return await _cached(
        request,
        lambda: catalog_service.screen(runtime_of(request).db, tab, band),
        vary=band_name or "",
    )


@router.get(
    "/themes",
    name="list_themes",
    response_model=Page[ThemeOut],
    openapi_extra={**OPTIONAL_TOKEN, **ThemesQuery.openapi()},
    responses={**PUBLIC, **problem_responses(400, 422)},
)
async def themes(request: Request) -> Response:
    query = ThemesQuery.from_request(request)
    db = runtime_of(request).db
    return await _cached(
        request, lambda: catalog_service.themes(db, query.kind, query.limit, query.cursor), query
    )


@router.get(
    "/themes/{slug}",
    name="get_theme",
    response_model=ThemeOut,
    openapi_extra=OPTIONAL_TOKEN,
    responses={**PUBLIC, **problem_responses(404)},
)
async def theme(slug: str, request: Request) -> Response:
    db = runtime_of(request).db
    return await _cached(request, lambda: catalog_service.theme_by_slug(db, slug))


@router.get(
    "/series",
    name="list_series",
    response_model=Page[SeriesSummary],
    openapi_extra={**OPTIONAL_TOKEN, **SeriesListQuery.openapi()},
    responses={**PUBLIC, **problem_responses(400, 422)},
)
async def series_list(request: Request) -> Response:
    query = SeriesListQuery.from_request(request)
    db = runtime_of(request).db
    return await _cached(
        request,
        lambda: catalog_service.series_list(db, query.theme, query.limit, query.cursor),
        query,
    )


@router.get(
    "/series/{series_id}",
    name="get_series",
    response_model=SeriesOut,
    openapi_extra=OPTIONAL_TOKEN,
    responses={**PUBLIC, **problem_responses(404, 422)},
)
async def series(series_id: uuid.UUID, request: Request) -> Response:
    db = runtime_of(request).db
    return await _cached(request, lambda: catalog_service.series_detail(db, series_id))


def _links(runtime: Runtime) -> MediaLinks:
    settings = runtime.settings
    return MediaLinks(runtime.storage, settings.download_url_minutes, settings.media_cdn_base_url)


def _detail_route(
    read: Callable[[AsyncSession, MediaLinks, uuid.UUID], Awaitable[BaseModel]],
) -> Callable[..., Awaitable[Response]]:
    async def detail(item_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
        links = _links(runtime_of(request))
        return await _cached(request, lambda: read(session, links, item_id))

    return detail


for _kind, _path, _model, _read in (
    (Kind.video, "/videos/{item_id}", VideoOut, catalog_service.video),
    (Kind.ebook, "/ebooks/{item_id}", EbookOut, catalog_service.ebook),
    (Kind.diy, "/diys/{item_id}", DiyOut, catalog_service.diy),
):
    router.add_api_route(
        _path,
        _detail_route(_read),
        methods=["GET"],
        response_model=_model,
        openapi_extra=OPTIONAL_TOKEN,
        responses={**PUBLIC, **problem_responses(404, 422)},
        summary=f"One published {_kind.value}",
        name=f"get_{_kind.value}",
    )
