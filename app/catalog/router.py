"""Public catalogue reads: lists of videos, eBooks and DIYs, search, themes and series.

Thin routes on a router mounted first (app/modules.py): the optional caller from the
request's state (a bad token is a 401), the query string validated as one model, and the
request's connection taken only when the answer is not cached. Every answer carries an ETag
and Cache-Control, answers 304 to a matching If-None-Match, and is computed once per TTL
however many children ask at the same moment; a URL asked for again is answered from the
cache before routing (app/core/public_cache.py).

An item's page, the app screens and the explorer's tab combine the catalogue with quizzes and
classrooms: they are the library module's (app/library/router.py).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response

from app.catalog import service as catalog_service
from app.catalog.deps import PublicReadDep
from app.catalog.examples import (
    DEMO_SERIES,
    DIY_CARDS,
    EBOOK_CARDS,
    SEARCH_RESULTS,
    SERIES_LIST,
    SERIES_OUT,
    THEME_OUT,
    THEMES,
    VIDEO_CARDS,
)
from app.catalog.params import (
    CATALOG_TAG,
    ListQuery,
    SearchQuery,
    SeriesListQuery,
    ThemesQuery,
    VideoListQuery,
)
from app.catalog.queries import ListFilters
from app.catalog.schemas import (
    CardPage,
    Kind,
    SearchResults,
    SeriesOut,
    SeriesSummary,
    ThemeOut,
)
from app.core.errors import problem_responses
from app.core.examples import path_example, query_examples, response_example
from app.core.pagination import Page

router = APIRouter(tags=["catalogue"])

# Every public read may answer 304, and 401 to a bad token.
PUBLIC: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified"},
    **problem_responses(401),
}
LISTS = {**PUBLIC, **problem_responses(400, 422)}


def _filters(query: ListQuery) -> ListFilters:
    return ListFilters(
        query.theme,
        getattr(query, "series", None),
        query.age,
        query.language,
        query.tag,
        query.sort,
    )


@router.get(
    "/videos",
    name="list_videos",
    response_model=CardPage,
    openapi_extra=VideoListQuery.openapi(),
    responses={**LISTS, **response_example(200, VIDEO_CARDS)},
    summary="List published videos, newest first or by title.",
)
async def list_videos(request: Request, read: PublicReadDep) -> Response:
    """Lists published videos as cards in cursor pages, filtered by theme, series, age, language or
    tag. Answers carry an ETag and Cache-Control; `If-None-Match` gives 304.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** `limit` is 1 to 100; a cursor is only valid as this list returned it (400
    `invalid_cursor`).

    **Retries:** a read; repeating it changes nothing.
    """
    query = VideoListQuery.from_request(request)

    async def build() -> CardPage:
        conn = await read.work.connection()
        return await catalog_service.list_cards(
            conn, Kind.video, _filters(query), query.limit, query.cursor
        )

    return await read.answers.json(request, build, tag=CATALOG_TAG, params=query)


@router.get(
    "/ebooks",
    name="list_ebooks",
    response_model=CardPage,
    openapi_extra=ListQuery.openapi(),
    responses={**LISTS, **response_example(200, EBOOK_CARDS)},
    summary="List published eBooks, newest first or by title.",
)
async def list_ebooks(request: Request, read: PublicReadDep) -> Response:
    """Lists published eBooks as cards in cursor pages, filtered by theme, age, language or tag.
    Answers carry an ETag and Cache-Control; `If-None-Match` gives 304.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** `limit` is 1 to 100; a cursor is only valid as this list returned it (400
    `invalid_cursor`).

    **Retries:** a read; repeating it changes nothing.
    """
    query = ListQuery.from_request(request)

    async def build() -> CardPage:
        conn = await read.work.connection()
        return await catalog_service.list_cards(
            conn, Kind.ebook, _filters(query), query.limit, query.cursor
        )

    return await read.answers.json(request, build, tag=CATALOG_TAG, params=query)


@router.get(
    "/diys",
    name="list_diys",
    response_model=CardPage,
    openapi_extra=ListQuery.openapi(),
    responses={**LISTS, **response_example(200, DIY_CARDS)},
    summary="List published DIY projects, newest first or by title.",
)
async def list_diys(request: Request, read: PublicReadDep) -> Response:
    """Lists published DIY projects as cards in cursor pages, filtered by theme, age, language or
    tag. Answers carry an ETag and Cache-Control; `If-None-Match` gives 304.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** `limit` is 1 to 100; a cursor is only valid as this list returned it (400
    `invalid_cursor`).

    **Retries:** a read; repeating it changes nothing.
    """
    query = ListQuery.from_request(request)

    async def build() -> CardPage:
        conn = await read.work.connection()
        return await catalog_service.list_cards(
            conn, Kind.diy, _filters(query), query.limit, query.cursor
        )

    return await read.answers.json(request, build, tag=CATALOG_TAG, params=query)


@router.get(
    "/search",
    name="search",
    response_model=SearchResults,
    openapi_extra=query_examples(SearchQuery.openapi(), q="anansi"),
    responses={**PUBLIC, **problem_responses(422), **response_example(200, SEARCH_RESULTS)},
    summary="Search titles, descriptions, tags and eBook text; partial words and typos welcome.",
)
async def search(request: Request, read: PublicReadDep) -> Response:
    """Answers the published items that best match `q`, best first, across kinds or of one `kind`;
    partial words and small typos still match.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** `q` has at least one letter or digit; `limit` is 1 to 100.

    **Retries:** a read; repeating it changes nothing.
    """
    query = SearchQuery.from_request(request)

    async def build() -> SearchResults:
        conn = await read.work.connection()
        return await catalog_service.search(conn, query.q, query.kind, query.limit)

    return await read.answers.json(request, build, tag=CATALOG_TAG, params=query)


@router.get(
    "/themes",
    name="list_themes",
    response_model=Page[ThemeOut],
    openapi_extra=ThemesQuery.openapi(),
    responses={**LISTS, **response_example(200, THEMES)},
    summary="List the themes of videos, eBooks or DIY projects in the app's order.",
)
async def list_themes(request: Request, read: PublicReadDep) -> Response:
    """Lists the themes, of one `kind` or all, in the order editors set.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** `limit` is 1 to 100; a cursor is only valid as this list returned it.

    **Retries:** a read; repeating it changes nothing.
    """
    query = ThemesQuery.from_request(request)

    async def build() -> Page[ThemeOut]:
        conn = await read.work.connection()
        return await catalog_service.themes(conn, query.kind, query.limit, query.cursor)

    return await read.answers.json(request, build, tag=CATALOG_TAG, params=query)


@router.get(
    "/themes/{slug}",
    name="get_theme",
    response_model=ThemeOut,
    responses={**PUBLIC, **problem_responses(404), **response_example(200, THEME_OUT)},
    summary="Read one theme by its slug.",
)
async def get_theme(
    slug: Annotated[str, path_example("anansi-tales")],
    request: Request,
    read: PublicReadDep,
) -> Response:
    """Answers the theme with this slug.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** an unknown slug is a 404.

    **Retries:** a read; repeating it changes nothing.
    """

    async def build() -> ThemeOut:
        return await catalog_service.theme_by_slug(await read.work.connection(), slug)

    return await read.answers.json(request, build, tag=CATALOG_TAG)


@router.get(
    "/series",
    name="list_series",
    response_model=Page[SeriesSummary],
    openapi_extra=SeriesListQuery.openapi(),
    responses={**LISTS, **response_example(200, SERIES_LIST)},
    summary="List video series in the app's order.",
)
async def list_series(request: Request, read: PublicReadDep) -> Response:
    """Lists the published series, of one theme or all, in the order editors set.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** `limit` is 1 to 100; a cursor is only valid as this list returned it.

    **Retries:** a read; repeating it changes nothing.
    """
    query = SeriesListQuery.from_request(request)

    async def build() -> Page[SeriesSummary]:
        conn = await read.work.connection()
        return await catalog_service.series_list(conn, query.theme, query.limit, query.cursor)

    return await read.answers.json(request, build, tag=CATALOG_TAG, params=query)


@router.get(
    "/series/{series_id}",
    name="get_series",
    response_model=SeriesOut,
    responses={**PUBLIC, **problem_responses(404, 422), **response_example(200, SERIES_OUT)},
    summary="Read one series with its episodes in order.",
)
async def get_series(
    series_id: Annotated[uuid.UUID, path_example(DEMO_SERIES)],
    request: Request,
    read: PublicReadDep,
) -> Response:
    """Answers the published series with its published episodes as cards, in episode order.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** an unknown or unpublished series is a 404.

    **Retries:** a read; repeating it changes nothing.
    """

    async def build() -> SeriesOut:
        return await catalog_service.series_detail(await read.work.connection(), series_id)

    return await read.answers.json(request, build, tag=CATALOG_TAG)
