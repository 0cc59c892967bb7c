"""Public catalogue reads: themes, series, videos, eBooks, DIYs, search and app screens.

Every response carries an ETag and Cache-Control, answers 304 to a matching If-None-Match,
and is computed once per TTL however many children ask at the same moment.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.deps import OptionalCaller
from app.catalog import service as catalog_service
from app.catalog.queries import ListFilters
from app.catalog.schemas import (
    CardPage,
    DiyOut,
    EbookOut,
    Kind,
    Screen,
    SearchResults,
    SeriesOut,
    SeriesSummary,
    Sort,
    ThemeOut,
    VideoOut,
)
from app.catalog.service import CATALOG_TAG
from app.core.db import SessionDep
from app.core.errors import Unauthorized, problem_responses
from app.core.http_cache import cached_json
from app.core.pagination import DEFAULT_LIMIT, MAX_LIMIT
from app.core.query import QueryModel
from app.deps import runtime_of
from app.profiles import service as profiles_service
from app.runtime import Runtime

# Public: no token needed. A token that is sent is still checked, before routing, by
# app.catalog.front (a bad one is a 401). The hot routes take the runtime from the request
# rather than as a dependency, and their query strings as one model (app.core.query): each
# dependency or parameter FastAPI solves costs on every request.
# Routes are matched in order: lists, search and screens first.
router = APIRouter(tags=["catalogue"])


class _Themes(BaseModel):
    items: list[ThemeOut]


class _SeriesList(BaseModel):
    items: list[SeriesSummary]


def _cached(
    request: Request, build: Callable[[], Awaitable[BaseModel]], vary: str = ""
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
        vary=vary,
    )


# Every public read may answer 304, and 401 to a bad token.
PUBLIC: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified"},
    **problem_responses(401),
}
# For the docs: a token is optional here (checked before routing, so not a dependency).
OPTIONAL_TOKEN: dict[str, Any] = {"security": [{}, {"OAuth2PasswordBearer": []}]}


class ListQuery(QueryModel):
    """The query of a list."""

    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page")
    cursor: str | None = Field(default=None, max_length=512)
    theme: str | None = Field(default=None, max_length=80, description="Theme slug")
    series: uuid.UUID | None = None
    age: int | None = Field(default=None, ge=0, le=18, description="Fits this age")
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")
    tag: str | None = Field(default=None, max_length=40)
    sort: Sort = Sort.newest


def _list_route(kind: Kind) -> Callable[..., Awaitable[Response]]:
    async def list_items(request: Request) -> Response:
        query = ListQuery.from_request(request)
        db = runtime_of(request).db
        filters = ListFilters(
            query.theme,
            query.series,
            query.age,
            query.language,
            query.tag.lower() if query.tag else None,
            query.sort,
        )
        return await _cached(
            request,
            lambda: catalog_service.list_cards(db, kind, filters, query.limit, query.cursor),
        )

    return list_items


for _kind, _path in ((Kind.video, "/videos"), (Kind.ebook, "/ebooks"), (Kind.diy, "/diys")):
    router.add_api_route(
        _path,
        _list_route(_kind),
        methods=["GET"],
        response_model=CardPage,
        openapi_extra={**OPTIONAL_TOKEN, **ListQuery.openapi()},
        responses={**PUBLIC, **problem_responses(400, 422)},
        summary=f"Published {_kind.value}s, newest first or by title",
        name=f"list_{_kind.value}s",
    )


class SearchQuery(QueryModel):
    q: str = Field(min_length=1, max_length=100, description="Words, or the start of them")
    kind: Kind | None = None
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)


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
        request, lambda: catalog_service.search(db, query.q, query.kind, query.limit)
    )


@router.get(
    "/tabs/{tab}",
    response_model=Screen,
    responses={**PUBLIC, **problem_responses(404, 422)},
    summary="One app screen in one round trip: featured items and rows",
)
async def tab(
    tab: Literal["explore", "videos", "ebooks", "adventure-show"],
    request: Request,
    session: SessionDep,
    caller: OptionalCaller,
    profile_id: uuid.UUID | None = None,
) -> Response:
    band_name = None
    if profile_id is not None:
        if caller is None:
            raise Unauthorized("Sign in to see a screen for an explorer.", code="not_authenticated")
        band_name = (await profiles_service.get_for(session, caller, profile_id)).age_band
    band = catalog_service.age_band(band_name)
    return await _cached(
        request,
        lambda: catalog_service.screen(runtime_of(request).db, session, tab, band),
        vary=band_name or "",
    )


@router.get(
    "/themes",
    response_model=_Themes,
    openapi_extra=OPTIONAL_TOKEN,
    responses={**PUBLIC, **problem_responses(422)},
)
async def themes(request: Request, session: SessionDep, kind: Kind | None = None) -> Response:
    async def build() -> _Themes:
        return _Themes(items=await catalog_service.themes(session, kind))

    return await _cached(request, build)


@router.get(
    "/themes/{slug}",
    response_model=ThemeOut,
    openapi_extra=OPTIONAL_TOKEN,
    responses={**PUBLIC, **problem_responses(404)},
)
async def theme(slug: str, request: Request, session: SessionDep) -> Response:
    return await _cached(request, lambda: catalog_service.theme_by_slug(session, slug))


@router.get(
    "/series",
    response_model=_SeriesList,
    openapi_extra=OPTIONAL_TOKEN,
    responses={**PUBLIC, **problem_responses(422)},
)
async def series_list(request: Request, session: SessionDep, theme: str | None = None) -> Response:
    async def build() -> _SeriesList:
        return _SeriesList(items=await catalog_service.series_list(session, theme))

    return await _cached(request, build)


@router.get(
    "/series/{series_id}",
    response_model=SeriesOut,
    openapi_extra=OPTIONAL_TOKEN,
    responses={**PUBLIC, **problem_responses(404, 422)},
)
async def series(series_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
    return await _cached(
        request, lambda: catalog_service.series_detail(runtime_of(request).db, session, series_id)
    )


def _detail_route(
    read: Callable[[Runtime, AsyncSession, uuid.UUID], Awaitable[BaseModel]],
) -> Callable[..., Awaitable[Response]]:
    async def detail(item_id: uuid.UUID, request: Request, session: SessionDep) -> Response:
        return await _cached(request, lambda: read(runtime_of(request), session, item_id))

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
        name=_kind.value,
    )
