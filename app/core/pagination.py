"""Keyset pagination: `?limit=&cursor=` in, `{"items": [...], "next_cursor": ...}` out.

A cursor is the sort key of the last item served, base64url-encoded JSON. Keyset cursors stay
correct when rows are added between pages and cost the same on page 100 as on page 1.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar, overload
from uuid import UUID

import sqlalchemy as sa
from fastapi import Depends, Query
from pydantic import BaseModel, Field

from app.core.contract import shared_schema
from app.core.errors import BadRequest

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# What a cursor looks like (base64url, as encode_cursor writes it; empty is the first page):
# stated in the document, one `Cursor` schema; anything the server did not issue is a 400
# `invalid_cursor`.
CURSOR_PATTERN = r"^[A-Za-z0-9_-]*$"
CURSOR_SCHEMA = shared_schema(
    "Cursor",
    pattern=CURSOR_PATTERN,
    description="Opaque: the `next_cursor` of the page before, sent back as it is",
)
Cursor = Annotated[str, Field(max_length=512, json_schema_extra=CURSOR_SCHEMA)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


@dataclass(frozen=True)
class PageParams:
    limit: int
    cursor: str | None


async def _page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(
            max_length=512,
            description="`next_cursor` of the previous page",
            json_schema_extra=CURSOR_SCHEMA,
        ),
    ] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


PageParamsDep = Annotated[PageParams, Depends(_page_params)]


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([_jsonable(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


_INT64 = 2**63


def _plain(value: Any) -> bool:
    """A cursor part a statement can take as it is: text PostgreSQL can hold, an integer
    within bigint, or a finite number. Anything else was never written by encode_cursor."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")  # a lone surrogate cannot be sent
        except UnicodeEncodeError:
            return False
        return "\x00" not in value
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, int):
        return -_INT64 <= value < _INT64
    if isinstance(value, float):
        return math.isfinite(value)
    return False


def decode_cursor(cursor: str, *converters: Callable[[Any], Any]) -> tuple[Any, ...]:
    """The sort key in a cursor, each part passed through its converter (e.g. `UUID`).

    Checked before any use, for every list: a cursor is client input, and a crafted one (a
    date that leaves the calendar in UTC, a NUL, a number past bigint) used to reach the
    driver and fail there as a 500. Every way a cursor can be wrong is the same 400."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != len(converters):
            raise ValueError("wrong shape")
        if not all(_plain(v) for v in values):
            raise ValueError("not a value a cursor holds")
        return tuple(convert(v) for convert, v in zip(converters, values, strict=True))
    except (ValueError, TypeError, OverflowError, binascii.Error, json.JSONDecodeError) as exc:
        raise BadRequest(
            "The cursor is not valid; start again from the first page.", code="invalid_cursor"
        ) from exc


def parse_datetime(value: Any) -> datetime:
    """A timestamp of a cursor: ISO 8601 with its offset (encode_cursor writes them so), in
    UTC. One that falls outside the calendar once in UTC raises OverflowError."""
    if not isinstance(value, str):
        raise TypeError("expected an ISO timestamp")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("a cursor's timestamp has an offset")
    return parsed.astimezone(UTC)


def parse_text(value: Any) -> str:
    """A text part of a cursor (e.g. a title to sort by)."""
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value


def cursor_values(cursor: str | None, *converters: Callable[[Any], Any]) -> tuple[Any, ...]:
    """The sort key of `cursor` (see decode_cursor), or as many NULLs for the first page: a
    statement written once takes both, `($n IS NULL OR (a, b) > ($n, $m))`."""
    if not cursor:
        return (None,) * len(converters)
    return decode_cursor(cursor, *converters)


@overload
def keyset(columns: Sequence[str], values: Sequence[str], *, descending: bool = False) -> str: ...


@overload
def keyset(
    columns: Sequence[sa.ColumnElement[Any]], values: Sequence[Any], *, descending: bool = False
) -> sa.ColumnElement[bool]: ...


def keyset(
    columns: Sequence[Any], values: Sequence[Any], *, descending: bool = False
) -> str | sa.ColumnElement[bool]:
    """The keyset condition "after the last row shown": `(a, b) > (v1, v2)`, or `<` when the
    list is in descending order. The row comparison is what lets PostgreSQL walk the
    list's index from the cursor on, so page 100 costs what page 1 does.

    Given column names and placeholders (`"$2"`, `":when"`), it is SQL text for statements
    written as text (built once, at import); given Core columns and values, a Core condition."""
    op = "<" if descending else ">"
    if all(isinstance(part, str) for part in (*columns, *values)):
        return f"({', '.join(columns)}) {op} ({', '.join(values)})"
    left, right = sa.tuple_(*columns), sa.tuple_(*values)
    return left < right if descending else left > right


def page_cursor(
    rows: Sequence[R], limit: int, sort_key: Callable[[R], Sequence[Any]]
) -> str | None:
    """The next page's cursor from `limit + 1` fetched rows: the extra row only says whether
    more exist; the cursor is the sort key of the last row shown."""
    if len(rows) <= limit or limit < 1:
        return None
    return encode_cursor(sort_key(rows[limit - 1]))


def build_page(
    rows: Sequence[R],
    limit: int,
    sort_key: Callable[[R], Sequence[Any]],
    to_item: Callable[[R], T],
) -> Page[T]:
    """A page from `limit + 1` fetched rows (see page_cursor)."""
    return Page[T](
        items=[to_item(row) for row in rows[:limit]],
        next_cursor=page_cursor(rows, limit, sort_key),
    )
