"""Recording staff writes in the same transaction as the writes, and reading them back.

The database records them: an AFTER row trigger on every audited table (app/audit/triggers.py)
writes one audit row per row a staff transaction inserts, updates or deletes, whichever way
the statement is sent: ORM flush, Core, `text()`, or raw asyncpg on the session's connection.
What makes a transaction a staff one is the actor, route and request id that `install()`'s
hook sets as transaction-local settings when a session of a staff request (app/audit/context.py)
begins its transaction: one statement per staff transaction, none for anyone else. The audit
rows commit or roll back with the change.

`record()` is for what is not a row written (a sign-in, an export): it writes the event
itself, from the request's context.
"""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from app.audit import queries
from app.audit.context import Actor, StaffRequest, staff_request_var
from app.audit.schemas import AuditEventOut, AuditFilters
from app.audit.triggers import email_digest
from app.core.pagination import Page, PageParams

# Tables without the audit trigger: rows that are not what staff changed but what follows
# from it (search documents, task messages, statistics, click counts), the log itself and
# sign-in material. Every other table has it (tests/audit/test_triggers.py).
NOT_AUDITED = frozenset(
    {
        "audit_event",
        "outbox_message",
        "outbox_receipt",
        "cache_change",
        # Copies of answers already sent (the write itself is audited), kept 24 hours.
        "idempotency_key",
        "search_document",
        "refresh_token",
        "email_code",
        "daily_stat",
        "daily_item_stat",
        "daily_quiz_stat",
        "share_link_click",
        # Counters the heartbeats and quiz submits keep for badges (derived, rewritten on
        # every step of play); the badges earned and the settings are audited.
        "reward_tally",
        "reward_fact",
        "reward_day",
    }
)
# The same rules as the trigger's audit_value() (see the migration), for `record()`.
# Never a value in the log, only that it changed.
_SECRET = re.compile(r"(^|_)(hash|password|secret|token|pin|signature|credentials?)$")
REDACTED = "[redacted]"
# An address is kept only as its digest.
_EMAIL = re.compile(r"(^|_)email$")
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


def _value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if _SECRET.search(name):
        return REDACTED
    if _EMAIL.search(name) and isinstance(value, str):
        return email_digest(value)
    return _json(value)


def _change(name: str, before: Any, after: Any) -> dict[str, Any]:
    return {"before": _value(name, before), "after": _value(name, after)}


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


# --- the actor, for the trigger -------------------------------------------------------------

# Key in the connection's info: the transaction a staff request's actor was set in.
_ACTOR_SET_IN = "audit_actor_set_in"


def _after_begin(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    """Gives a staff request's transaction its actor, route and request id (transaction-local:
    they end with it). Anything else returns after one context variable lookup."""
    if transaction.nested:
        return  # a savepoint inside a transaction that has its actor already
    ctx = staff_request_var.get()
    actor = ctx.actor() if ctx is not None else None
    if actor is None:
        if _ACTOR_SET_IN in connection.info:
            _forget_actor(connection)
        return
    assert ctx is not None
    queries.act_as(connection, actor.account_id, actor.role, ctx.route, ctx.request_id)
    connection.info[_ACTOR_SET_IN] = connection.get_transaction()


def _forget_actor(connection: Connection) -> None:
    """A session that joins a transaction a staff session already used (tests run every
    request inside one transaction) must not write under that staff member's name. When the
    staff transaction has ended, the database dropped the settings with it: nothing to send."""
    if connection.info.pop(_ACTOR_SET_IN) is connection.get_transaction():
        queries.act_as_nobody(connection)


def install() -> None:
    """Hooks every session (idempotent)."""
    if not event.contains(Session, "after_begin", _after_begin):
        event.listen(Session, "after_begin", _after_begin)


# --- events that are not a row written -----------------------------------------------------


async def record(
    session: AsyncSession,
    action: str,
    target_type: str,
    target_id: object,
    changes: Mapping[str, tuple[Any, Any]] | None = None,
) -> bool:
    """Records one staff action that writes no audited row (every row written is recorded by
    the trigger already: recording it here too would log it twice), in the session's
    transaction: `changes` maps a field to (before, after), with the trigger's rules for
    secrets, addresses and long text. Does nothing outside a staff request; True when a row
    was written."""
    ctx = staff_request_var.get()
    actor = ctx.actor() if ctx else None
    if ctx is None or actor is None:
        return False
    diff = {name: _change(name, old, new) for name, (old, new) in (changes or {}).items()}
    row = _row(ctx, actor, action, target_type, str(target_id)[:200], diff)
    await queries.insert_event(session, row)
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
