"""The query strings of the public catalogue reads, each validated as one model: the cache
key of an answer is built from the validated, normalised parameters, never from the raw
query text (app/core/http_cache.py)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Annotated, ClassVar

from pydantic import Field, StringConstraints

from app.catalog.schemas import Kind, Sort
from app.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, Cursor
from app.core.query import QueryModel

CATALOG_TAG = "catalog"


class ListQuery(QueryModel):
    """The query of a list of eBooks or DIYs."""

    refused: ClassVar[Mapping[str, str]] = {"series": "Only videos belong to a series."}

    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page")
    cursor: Cursor | None = None
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
    cursor: Cursor | None = None


class SeriesListQuery(QueryModel):
    theme: str | None = Field(default=None, max_length=80, description="Theme slug")
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page")
    cursor: Cursor | None = None
