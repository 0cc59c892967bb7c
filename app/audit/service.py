"""Recording staff writes in the same transaction as the writes, and reading them back.

`install()` adds two hooks to every SQLAlchemy session; both do nothing outside a staff
request (app/audit/context.py):
- after a flush, every inserted, updated and deleted mapped row becomes one audit row, with
  the changed columns before and after (attribute history, still there at that point);
- a Core UPDATE or DELETE run through the session (`session.execute(sa.update(...))`) reads
  the rows it matches before and after, and records the same way; a Core INSERT of one row
  records the values it wrote.
The audit rows are inserted on the flush's own connection, so the change and its record
commit or roll back together. Writes that bypass the session (SQL sent on the driver
connection, `text()` statements) are not seen: their owners call `record()`.
"""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlalchemy.orm.attributes import instance_state

from app.audit import queries
from app.audit.context import Actor, StaffRequest, staff_request_var
from app.audit.schemas import AuditEventOut, AuditFilters
from app.core.pagination import Page, PageParams

# Rows that are not what staff changed but what follows from it (search documents, task
# messages, the log itself, sign-in material).
NOT_AUDITED = frozenset(
    {
        "audit_event",
        "outbox_message",
        "search_document",
        "refresh_token",
        "email_code",
        "daily_stat",
        "daily_item_stat",
        "daily_quiz_stat",
        "share_link_click",
    }
)
# Never a value in the log, only that it changed.
_SECRET = re.compile(r"(^|_)(hash|password|secret|token|pin|signature|credentials?)$")
REDACTED = "[redacted]"
# Bookkeeping columns whose change alone is not an edit.
_BOOKKEEPING = frozenset({"updated_at"})
_MAX_TEXT = 2000


def _json(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value if len(value) <= _MAX_TEXT else value[:_MAX_TEXT] + "…"
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return _json(value.value)
    if isinstance(value, Mapping):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json(v) for v in value]
    if isinstance(value, bytes | bytearray | memoryview):
        return f"[{len(value)} bytes]"
    return str(value)


def _change(name: str, before: Any, after: Any) -> dict[str, Any]:
    if _SECRET.search(name):
        return {
            "before": None if before is None else REDACTED,
            "after": None if after is None else REDACTED,
        }
    return {"before": _json(before), "after": _json(after)}


def _target_id(values: Sequence[Any]) -> str:
    return ",".join("" if v is None else str(v) for v in values)[:200]


def _row(
    ctx: StaffRequest,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: str,
    changes: dict[str, Any],
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "actor_id": actor.account_id,
        "actor_role": actor.role,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "changes": changes,
        "route": ctx.route,
        "request_id": ctx.request_id,
    }


# --- mapped rows, after each flush -----------------------------------------------------


def _columns(obj: Any) -> tuple[Any, str, list[tuple[str, str]]]:
    """The row's state, table name and (attribute key, column name) of its columns."""
    state = instance_state(obj)
    mapper = state.mapper
    table = mapper.local_table
    columns = [(prop.key, prop.columns[0].name) for prop in mapper.column_attrs]
    return state, getattr(table, "name", mapper.class_.__name__), columns


def _primary_key(state: Any) -> str:
    mapper = state.mapper
    values = [state.dict.get(mapper.get_property_by_column(c).key) for c in mapper.primary_key]
    return _target_id(values)


def _created(obj: Any) -> tuple[str, str, dict[str, Any]] | None:
    state, table, columns = _columns(obj)
    changes = {
        name: _change(name, None, state.dict[key])
        for key, name in columns
        if state.dict.get(key) is not None and name not in _BOOKKEEPING
    }
    return table, _primary_key(state), changes


def _updated(obj: Any) -> tuple[str, str, dict[str, Any]] | None:
    state, table, columns = _columns(obj)
    changes: dict[str, Any] = {}
    for key, name in columns:
        history = state.attrs[key].history
        if not history.has_changes() or name in _BOOKKEEPING:
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if before == after and history.deleted:
            continue
        changes[name] = _change(name, before, after)
    if not changes:
        return None
    return table, _primary_key(state), changes


def _deleted(obj: Any) -> tuple[str, str, dict[str, Any]] | None:
    state, table, columns = _columns(obj)
    changes = {
        name: _change(name, state.dict[key], None)
        for key, name in columns
        if state.dict.get(key) is not None and name not in _BOOKKEEPING
    }
    return table, _primary_key(state), changes


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    ctx = staff_request_var.get()
    if ctx is None:
        return
    actor = ctx.actor()
    if actor is None:
        return
    rows: list[dict[str, Any]] = []
    for action, objects, describe in (
        ("create", session.new, _created),
        ("update", session.dirty, _updated),
        ("delete", session.deleted, _deleted),
    ):
        for obj in objects:
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            described = describe(obj)
            if described is None or described[0] in NOT_AUDITED:
                continue
            rows.append(_row(ctx, actor, action, *described))
    if rows:
        session.connection().execute(queries.INSERT, rows)


# --- Core UPDATE and DELETE run through the session -------------------------------------


def _rows_of(
    session: Session, table: sa.Table, where: Any, params: Any
) -> dict[str, dict[str, Any]]:
    statement = sa.select(table)
    if where is not None:
        statement = statement.where(where)
    result = session.connection().execute(statement, params or {})
    pk = [c.name for c in table.primary_key.columns]
    found: dict[str, dict[str, Any]] = {}
    for row in result.mappings():
        found[_target_id([row[name] for name in pk])] = dict(row)
    return found


def _inserted(state: ORMExecuteState, ctx: StaffRequest, actor: Actor, table: sa.Table) -> Any:
    """A Core INSERT (or upsert) of one row: its values as written. Rows an ON CONFLICT DO
    NOTHING skipped are not recorded."""
    session = state.session
    statement: Any = state.statement
    compiled = statement.compile(dialect=session.get_bind().dialect)
    params = state.parameters if isinstance(state.parameters, Mapping) else {}
    values = {**compiled.params, **params}
    result = state.invoke_statement()
    if getattr(result, "rowcount", 1) == 0:
        return result
    names = {c.name for c in table.columns}
    changes = {
        name: _change(name, None, value)
        for name, value in values.items()
        if name in names and value is not None and name not in _BOOKKEEPING
    }
    target_id = _target_id([values.get(c.name) for c in table.primary_key.columns])
    row = _row(ctx, actor, "create", table.name, target_id, changes)
    session.connection().execute(queries.INSERT, [row])
    return result


def _do_orm_execute(state: ORMExecuteState) -> Any:
    ctx = staff_request_var.get()
    if ctx is None or not (state.is_update or state.is_delete or state.is_insert):
        return None
    statement = state.statement
    table = getattr(statement, "table", None)
    if not isinstance(table, sa.Table) or table.name in NOT_AUDITED:
        return None
    actor = ctx.actor()
    params = state.parameters
    if actor is None or isinstance(params, list):
        # executemany (bulk by primary key) is recorded by its flushes' owners, not here
        return None
    if state.is_insert:
        return _inserted(state, ctx, actor, table)
    session = state.session
    where = statement.whereclause  # type: ignore[attr-defined]
    before = _rows_of(session, table, where, params)
    result = state.invoke_statement()
    if not before:
        return result
    rows: list[dict[str, Any]] = []
    if state.is_delete:
        for target_id, values in before.items():
            changes = {
                name: _change(name, value, None)
                for name, value in values.items()
                if value is not None and name not in _BOOKKEEPING
            }
            rows.append(_row(ctx, actor, "delete", table.name, target_id, changes))
    else:
        pk = list(table.primary_key.columns)
        ids = list(before.values())
        condition = sa.tuple_(*pk).in_([tuple(v[c.name] for c in pk) for v in ids])
        after = _rows_of(session, table, condition, None)
        for target_id, old in before.items():
            new = after.get(target_id, {})
            changes = {
                name: _change(name, old.get(name), new.get(name))
                for name in new
                if new.get(name) != old.get(name) and name not in _BOOKKEEPING
            }
            if changes:
                rows.append(_row(ctx, actor, "update", table.name, target_id, changes))
    if rows:
        session.connection().execute(queries.INSERT, rows)
    return result


def install() -> None:
    """Hooks every session (idempotent). Outside a staff request each hook returns at once."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
    if not event.contains(Session, "do_orm_execute", _do_orm_execute):
        event.listen(Session, "do_orm_execute", _do_orm_execute)


# --- for writes the hooks cannot see -----------------------------------------------------


async def record(
    session: AsyncSession,
    action: str,
    target_type: str,
    target_id: object,
    changes: Mapping[str, tuple[Any, Any]] | None = None,
) -> bool:
    """Records one staff write made outside the session's ORM (raw driver SQL), in the
    session's transaction: `changes` maps a column to (before, after). Does nothing outside a
    staff request; True when a row was written."""
    ctx = staff_request_var.get()
    actor = ctx.actor() if ctx else None
    if ctx is None or actor is None:
        return False
    diff = {name: _change(name, old, new) for name, (old, new) in (changes or {}).items()}
    row = _row(ctx, actor, action, target_type, _target_id([target_id]), diff)
    await session.execute(queries.INSERT, [row])
    return True


# --- reading -------------------------------------------------------------------------------


async def list_events(
    session: AsyncSession, filters: AuditFilters, page: PageParams
) -> Page[AuditEventOut]:
    rows = await queries.events(session, filters, page.limit + 1, page.cursor)
    items = [AuditEventOut.model_validate(dict(row)) for row in rows[: page.limit]]
    next_cursor = None
    if len(rows) > page.limit and items:
        next_cursor = queries.cursor_of(items[-1].at, items[-1].id)
    return Page(items=items, next_cursor=next_cursor)
