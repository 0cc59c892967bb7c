"""The query strings of the public catalogue reads, each validated as one model.

The same models give the cache key of an answer (`public_cache_key`), both in the front
middleware (cache hits, before routing) and in the routes (misses): a key is built from the
validated, normalised parameters, never from the raw query text.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Annotated, ClassVar

from fastapi.exceptions import RequestValidationError
from pydantic import Field, StringConstraints

from app.catalog.schemas import Kind, Sort
from app.core.http_cache import cache_key
from app.core.pagination import DEFAULT_LIMIT, MAX_LIMIT
from app.core.query import QueryModel

CATALOG_TAG = "catalog"
API = "/api/v1"


class ListQuery(QueryModel):
    """The query of a list of eBooks or DIYs."""

    refused: ClassVar[Mapping[str, str]] = {"series": "Only videos belong to a series."}

    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page")
    cursor: str | None = Field(default=None, max_length=512)
    theme: str | None = Field(default=None, max_length=80, description="Theme slug")
    age: int | None = Field(default=None, ge=0, le=18, description="Fits this age")
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")
    tag: Annotated[str, StringConstraints(to_lower=True, max_length=40)] | None = None
    sort: Sort = Sort.newest


class VideoListQuery(ListQuery):
    """The query of a list of videos."""

    refused: ClassVar[Mapping[str, str]] = {}

    series: uuid.UUID | None = None


class SearchQuery(QueryModel):
    q: str = Field(min_length=1, max_length=100, description="Words, or the start of them")
    kind: Kind | None = None
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)


class ThemesQuery(QueryModel):
    kind: Kind | None = None
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page")
    cursor: str | None = Field(default=None, max_length=512)


class SeriesListQuery(QueryModel):
    theme: str | None = Field(default=None, max_length=80, description="Theme slug")
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page")
    cursor: str | None = Field(default=None, max_length=512)


class TabQuery(QueryModel):
    profile_id: uuid.UUID | None = Field(
        default=None, description="An explorer's profile: the screen for their age band"
    )


LIST_QUERIES: dict[Kind, type[ListQuery]] = {
    Kind.video: VideoListQuery,
    Kind.ebook: ListQuery,
    Kind.diy: ListQuery,
}
# Public paths whose answer depends on their query string, and the model that reads it. Every
# other public path (one item, one theme, one series) answers the same whatever its query.
QUERIES: dict[str, type[QueryModel]] = {
    f"{API}/videos": VideoListQuery,
    f"{API}/ebooks": ListQuery,
    f"{API}/diys": ListQuery,
    f"{API}/search": SearchQuery,
    f"{API}/themes": ThemesQuery,
    f"{API}/series": SeriesListQuery,
}
TABS = f"{API}/tabs/"


def public_cache_key(path: str, params: QueryModel | None, vary: str = "") -> str:
    return cache_key(CATALOG_TAG, path, params, vary)


def front_cache_key(path: str, query: Mapping[str, str]) -> str | None:
    """The key a public GET is cached under, or None when only its route can answer: a query
    that does not validate (the route answers 422) or a screen for one explorer."""
    model = QUERIES.get(path)
    try:
        if model is not None:
            return public_cache_key(path, model.parse(query))
        if path.startswith(TABS) and TabQuery.parse(query).profile_id is not None:
            return None
    except RequestValidationError:
        return None
    return public_cache_key(path, None)
