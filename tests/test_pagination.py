from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from app.core.errors import BadRequest
from app.core.pagination import (
    build_page,
    cursor_values,
    decode_cursor,
    encode_cursor,
    keyset,
    page_cursor,
    parse_datetime,
)


def test_cursor_round_trips_its_sort_key() -> None:
    when = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    ident = uuid.uuid4()
    cursor = encode_cursor([when, ident])
    assert decode_cursor(cursor, parse_datetime, uuid.UUID) == (when, ident)
    assert "=" not in cursor


@pytest.mark.parametrize("bad", ["", "not-base64!", encode_cursor([1]), encode_cursor(["x", "y"])])
def test_bad_cursor_is_a_400_with_a_code(bad: str) -> None:
    with pytest.raises(BadRequest) as error:
        decode_cursor(bad, parse_datetime, uuid.UUID)
    assert error.value.code == "invalid_cursor"


def test_page_uses_the_extra_row_only_to_say_more_exist() -> None:
    rows = [(i, f"item {i}") for i in range(4)]
    page = build_page(rows, 3, sort_key=lambda r: [r[0]], to_item=lambda r: r[1])
    assert page.items == ["item 0", "item 1", "item 2"]
    assert page.next_cursor is not None
    assert decode_cursor(page.next_cursor, int) == (2,)
    last = build_page(rows[:2], 3, sort_key=lambda r: [r[0]], to_item=lambda r: r[1])
    assert last.next_cursor is None


@pytest.mark.parametrize(
    "parts",
    [
        ["0001-01-01T00:00:00+05:00", str(uuid.uuid4())],  # before the calendar in UTC
        ["9999-12-31T23:59:59-05:00", str(uuid.uuid4())],  # after it
        ["2026-01-01T00:00:00", str(uuid.uuid4())],  # no offset
        ["2026-01-01T00:00:00+00:00", "a\u0000"],
        [{"a": 1}, str(uuid.uuid4())],
        [2**70, str(uuid.uuid4())],
    ],
)
def test_a_crafted_cursor_never_reaches_a_statement(parts: list[object]) -> None:
    with pytest.raises(BadRequest) as error:
        decode_cursor(encode_cursor(parts), parse_datetime, uuid.UUID)
    assert error.value.code == "invalid_cursor"


def test_a_cursor_timestamp_comes_back_in_utc() -> None:
    (when,) = decode_cursor(encode_cursor(["2026-11-23T12:00:00+02:00"]), parse_datetime)
    assert when == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert when.utcoffset() is not None


def test_keyset_condition_as_sql_text_for_statements_written_once() -> None:
    assert keyset(["kind", "id"], ["$2", "$3::uuid"]) == "(kind, id) > ($2, $3::uuid)"
    newest = keyset(["published_at", "id"], ["$6", "$7"], descending=True)
    assert newest == "(published_at, id) < ($6, $7)"


def test_keyset_condition_as_core_binds_the_cursor_values() -> None:
    table = sa.table("t", sa.column("created_at"), sa.column("id"))
    when, ident = datetime(2026, 11, 23, tzinfo=UTC), uuid.uuid4()
    condition = keyset([table.c.created_at, table.c.id], [when, ident], descending=True)
    compiled = condition.compile(dialect=postgresql.dialect())
    assert str(compiled).startswith("(t.created_at, t.id) < (%(param_1)s")
    assert list(compiled.params.values()) == [when, ident]


def test_first_page_has_no_cursor_values_and_a_cursor_gives_its_key() -> None:
    assert cursor_values(None, parse_datetime, uuid.UUID) == (None, None)
    ident = uuid.uuid4()
    assert cursor_values(encode_cursor([3, ident]), int, uuid.UUID) == (3, ident)
    with pytest.raises(BadRequest):
        cursor_values("nope", int, uuid.UUID)


def test_page_cursor_is_the_key_of_the_last_row_shown() -> None:
    rows = [{"at": i, "id": f"r{i}"} for i in range(3)]
    cursor = page_cursor(rows, 2, lambda r: [r["at"], r["id"]])
    assert cursor is not None
    assert decode_cursor(cursor, int, str) == (1, "r1")
    assert page_cursor(rows, 3, lambda r: [r["at"], r["id"]]) is None
