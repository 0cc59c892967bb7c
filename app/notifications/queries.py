"""Statements of the notifications module: every read and write it runs.

Each is built once, here, at import: Core statements with named parameters (`sa.bindparam`)
run on the caller's session, and one fixed SQL text run with asyncpg on the read pool (the
stream's read, `events_after`, whose docstring says why). Callers pass values, never parts
of a statement; rows are read by column name.
"""

# SQL text from constants only; every value is bound.
# ruff: noqa: S608

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import asyncpg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog.queries import visible
from app.core.schema import table_of
from app.notifications.models import (
    Announcement,
    Device,
    Follow,
    Notification,
    Preference,
    PushConsent,
    StreamCounter,
    StreamEvent,
    StreamTicket,
    TickMark,
)

notification = table_of(Notification)
counter = table_of(StreamCounter)
event = table_of(StreamEvent)
device = table_of(Device)
consent = table_of(PushConsent)
preference = table_of(Preference)
follow = table_of(Follow)
ticket = table_of(StreamTicket)
announcement = table_of(Announcement)
tick = table_of(TickMark)

Row = Any  # result rows, read by column name

# A keyset over ids starts below every id.
_NO_ID = uuid.UUID(int=0)


def _param(name: str, type_: Any) -> sa.BindParameter[Any]:
    return sa.bindparam(name, type_=type_)


def _binds(table: sa.Table, columns: str) -> dict[str, sa.BindParameter[Any]]:
    """A parameter per column named (space-separated), typed as the column."""
    return {name: _param(name, table.c[name].type) for name in columns.split()}


# --- inbox -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The rows of one inbox (a child's, or the parent's own when `profile_id` is None), or
    with `every` the whole family's (a parent's view)."""

    account_id: uuid.UUID
    profile_id: uuid.UUID | None = None
    every: bool = False

    def params(self) -> dict[str, Any]:
        # Not named as columns: in an UPDATE those would be read as values to set.
        return {
            "scope_account": self.account_id,
            "scope_profile": self.profile_id,
            "scope_every": self.every,
        }


_n = notification.c
_IN_SCOPE = sa.and_(
    _n.account_id == _param("scope_account", sa.Uuid),
    sa.or_(
        _param("scope_every", sa.Boolean),
        _n.profile_id.is_not_distinct_from(_param("scope_profile", sa.Uuid)),
    ),
)
_NOW = _param("now", sa.DateTime(timezone=True))
_LIVE = sa.or_(_n.expires_at.is_(None), _n.expires_at > _NOW)
_BY_STATUS: dict[str | None, tuple[Any, ...]] = {
    None: (_n.archived_at.is_(None), _LIVE),
    "unread": (_n.archived_at.is_(None), _LIVE, _n.read_at.is_(None)),
    "read": (_n.archived_at.is_(None), _LIVE, _n.read_at.is_not(None)),
    "archived": (_n.archived_at.is_not(None),),
}
_NEWEST_FIRST = (_n.created_at.desc(), _n.id.desc())
_OLDER = sa.tuple_(_n.created_at, _n.id) < sa.tuple_(
    _param("after_at", sa.DateTime(timezone=True)), _param("after_id", sa.Uuid)
)
_LIMIT = _param("limit", sa.Integer)
# By status, and whether the page follows a cursor.
_LIST = {
    (status, after): sa.select(*notification.c)
    .where(_IN_SCOPE, *conditions, *((_OLDER,) if after else ()))
    .order_by(*_NEWEST_FIRST)
    .limit(_LIMIT)
    for status, conditions in _BY_STATUS.items()
    for after in (False, True)
}
_UNREAD_COUNT = sa.select(sa.func.count()).where(_IN_SCOPE, *_BY_STATUS["unread"])
_ID = _n.id == _param("ident", sa.Uuid)
_GET_IN_SCOPE = sa.select(*notification.c).where(_IN_SCOPE, _ID)
_GET = sa.select(*notification.c).where(_ID)

_INSERT_NOTIFICATION = (
    insert(notification)
    .values(
        _binds(
            notification,
            "id account_id profile_id category title body link dedup_key expires_at created_at",
        )
    )
    .on_conflict_do_nothing(index_elements=["account_id", "profile_id", "dedup_key"])
    .returning(*notification.c)
)


def _marking(column: str) -> sa.Update:
    """Sets `column` (and `seen_at` with it) unless already set; the row either way."""
    values: dict[str, Any] = {column: sa.func.coalesce(_n[column], _NOW)}
    if column != "seen_at":
        values["seen_at"] = sa.func.coalesce(_n.seen_at, _NOW)
    return sa.update(notification).where(_IN_SCOPE, _ID).values(values).returning(*notification.c)


_MARK = {column: _marking(column) for column in ("seen_at", "read_at", "archived_at")}
_READ_ALL = (
    sa.update(notification)
    .where(_IN_SCOPE, _n.read_at.is_(None), _n.archived_at.is_(None))
    .values(read_at=_NOW, seen_at=sa.func.coalesce(_n.seen_at, _NOW))
    .returning(_n.id, _n.profile_id)
)
_SET_PUSH_AT = (
    sa.update(notification).where(_ID).values(push_at=_param("at", sa.DateTime(timezone=True)))
)
_PUSHED = sa.update(notification).where(_ID).values(pushed_at=_NOW, push_at=None)
_ADD_PUSHED_DEVICES = (
    sa.update(notification)
    .where(_ID)
    .values(
        pushed_device_ids=sa.func.array_cat(
            _n.pushed_device_ids, _param("device_ids", ARRAY(sa.Uuid))
        )
    )
)
_DUE_PUSHES = (
    sa.select(_n.id, _n.push_at)
    .where(_n.push_at <= _NOW, _n.pushed_at.is_(None))
    .order_by(_n.push_at)
    .limit(_LIMIT)
)


async def insert_notification(session: AsyncSession, values: dict[str, Any]) -> Row | None:
    """The new row, or None when this recipient already has one with that dedup key.
    `values`: account_id, profile_id, category, title, body, link, dedup_key, expires_at,
    created_at."""
    params = {"id": uuid.uuid4(), **values}
    return (await session.execute(_INSERT_NOTIFICATION, params)).first()


async def list_inbox(
    session: AsyncSession,
    scope: Scope,
    status: str | None,
    now: datetime,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[Row]:
    params = {**scope.params(), "now": now, "limit": limit}
    if after is not None:
        params.update(after_at=after[0], after_id=after[1])
    return (await session.execute(_LIST[status, after is not None], params)).all()


async def unread_count(session: AsyncSession, scope: Scope, now: datetime) -> int:
    return int(await session.scalar(_UNREAD_COUNT, {**scope.params(), "now": now}) or 0)


async def get_notification(session: AsyncSession, scope: Scope, ident: uuid.UUID) -> Row | None:
    return (await session.execute(_GET_IN_SCOPE, {**scope.params(), "ident": ident})).first()


async def notification_by_id(session: AsyncSession, ident: uuid.UUID) -> Row | None:
    return (await session.execute(_GET, {"ident": ident})).first()


async def mark(
    session: AsyncSession, scope: Scope, ident: uuid.UUID, column: str, now: datetime
) -> Row | None:
    """Sets `column` (seen_at, read_at or archived_at; seen_at with it) unless already set;
    the row either way."""
    params = {**scope.params(), "ident": ident, "now": now}
    return (await session.execute(_MARK[column], params)).first()


async def read_all(session: AsyncSession, scope: Scope, now: datetime) -> Sequence[Row]:
    return (await session.execute(_READ_ALL, {**scope.params(), "now": now})).all()


async def set_push_at(session: AsyncSession, ident: uuid.UUID, at: datetime | None) -> None:
    """When a push that waits for quiet hours to end goes out (None: not waiting)."""
    await session.execute(_SET_PUSH_AT, {"ident": ident, "at": at})


async def set_pushed(session: AsyncSession, ident: uuid.UUID, now: datetime) -> None:
    await session.execute(_PUSHED, {"ident": ident, "now": now})


async def add_pushed_devices(
    session: AsyncSession, ident: uuid.UUID, device_ids: Sequence[uuid.UUID]
) -> None:
    if device_ids:
        await session.execute(_ADD_PUSHED_DEVICES, {"ident": ident, "device_ids": list(device_ids)})


async def due_pushes(session: AsyncSession, now: datetime, limit: int = 500) -> Sequence[Row]:
    return (await session.execute(_DUE_PUSHES, {"now": now, "limit": limit})).all()


# --- the event log -------------------------------------------------------------------------

_ACCOUNT = _param("account_id", sa.Uuid)
_NEXT_SEQ = (
    insert(counter)
    .values(account_id=_ACCOUNT, last_seq=1)
    .on_conflict_do_update(index_elements=["account_id"], set_={"last_seq": counter.c.last_seq + 1})
    .returning(counter.c.last_seq)
)
_INSERT_EVENT = sa.insert(event).values(
    account_id=_ACCOUNT,
    seq=_param("seq", sa.BigInteger),
    profile_id=_param("profile_id", sa.Uuid),
    type=_param("type", event.c.type.type),
    data=_param("data", event.c.data.type),
)
_LAST_SEQ = sa.select(counter.c.last_seq).where(counter.c.account_id == _ACCOUNT)
_FIRST_RETAINED = sa.select(sa.func.min(event.c.seq)).where(event.c.account_id == _ACCOUNT)
_PRUNE_EVENTS = sa.delete(event).where(
    event.c.created_at < _param("before", sa.DateTime(timezone=True))
)


async def next_seq(session: AsyncSession, account_id: uuid.UUID) -> int:
    """The account's next event number. The upsert locks the account's counter row until
    this transaction ends: a concurrent writer of the same account waits here, then reads
    the committed value. So numbers are handed out in commit order, and a transaction that
    rolls back takes its increment with it: the sequence has no gaps."""
    return int((await session.execute(_NEXT_SEQ, {"account_id": account_id})).scalar_one())


async def insert_event(
    session: AsyncSession,
    account_id: uuid.UUID,
    profile_id: uuid.UUID | None,
    kind: str,
    data: dict[str, Any],
) -> int:
    seq = await next_seq(session, account_id)
    params = {
        "account_id": account_id,
        "seq": seq,
        "profile_id": profile_id,
        "type": kind,
        "data": data,
    }
    await session.execute(_INSERT_EVENT, params)
    return seq


async def last_seq(session: AsyncSession, account_id: uuid.UUID) -> int:
    return int(await session.scalar(_LAST_SEQ, {"account_id": account_id}) or 0)


async def first_retained(session: AsyncSession, account_id: uuid.UUID) -> int | None:
    value = await session.scalar(_FIRST_RETAINED, {"account_id": account_id})
    return None if value is None else int(value)


_EVENTS_AFTER_SQL = (
    "SELECT seq, type, data::text AS data FROM notification_event "
    "WHERE account_id = $1 AND seq > $2 AND ($3::uuid IS NULL OR profile_id = $3) "
    "ORDER BY seq LIMIT $4"
)


async def events_after(
    conn: asyncpg.Connection[Any],
    account_id: uuid.UUID,
    profile_id: uuid.UUID | None,
    after: int,
    limit: int = 200,
) -> list[asyncpg.Record]:
    """Hot: every open stream runs it after every ring, a thousand streams at once when one
    commit rings every family. Fixed SQL on the plain read pool, not a session and a
    compiled statement per stream and ring: with it (and one task per stream) the
    benchmark's 1,000 streams went from 1,250 to 2,826 events delivered per second
    (bench/README.md, "The stream"). The event's JSON comes back as text and is written
    compact by the stream."""
    rows: list[asyncpg.Record] = await conn.fetch(
        _EVENTS_AFTER_SQL, account_id, after, profile_id, limit
    )
    return rows


async def prune_events(session: AsyncSession, before: datetime) -> int:
    # The counter row stays: numbers keep growing, so an old Last-Event-ID is recognised.
    result = await session.execute(_PRUNE_EVENTS, {"before": before})
    return int(getattr(result, "rowcount", 0))


# --- stream tickets --------------------------------------------------------------------------

_t = ticket.c
_INSERT_TICKET = sa.insert(ticket).values(
    _binds(ticket, "ticket_hash account_id profile_id role issued_us issued_at expires_at")
)
# Marking it used (the row lock makes a concurrent redeem wait, then find it used) is what
# makes it single-use, on every instance at once.
_REDEEM_TICKET = (
    sa.update(ticket)
    .where(
        _t.ticket_hash == _param("hash", _t.ticket_hash.type),
        _t.expires_at > _NOW,
        _t.used_at.is_(None),
    )
    .values(used_at=_NOW)
    .returning(_t.account_id, _t.profile_id, _t.role, _t.issued_us)
)
_PRUNE_TICKETS = sa.delete(ticket).where(
    _t.expires_at < _param("before", sa.DateTime(timezone=True))
)


async def add_ticket(session: AsyncSession, values: dict[str, Any]) -> None:
    """`values`: ticket_hash, account_id, profile_id, role, issued_us, issued_at,
    expires_at."""
    await session.execute(_INSERT_TICKET, values)


async def redeem_ticket(session: AsyncSession, ticket_hash: str, now: datetime) -> Row | None:
    """The ticket's caller, once: None when it is unknown, expired or used."""
    params = {"hash": ticket_hash, "now": now}
    return (await session.execute(_REDEEM_TICKET, params)).first()


async def prune_tickets(session: AsyncSession, before: datetime) -> int:
    """Tickets that expired before `before`, used or not."""
    result = await session.execute(_PRUNE_TICKETS, {"before": before})
    return int(getattr(result, "rowcount", 0))


# --- devices and consent ----------------------------------------------------------------------

_c = consent.c
_d = device.c
_HAS_CONSENT = sa.select(sa.exists().where(_c.account_id == _ACCOUNT))
# KEY SHARE: a repeated grant does not wait.
_HOLD_CONSENT = (
    sa.select(_c.account_id)
    .where(_c.account_id == _ACCOUNT)
    .with_for_update(read=True, key_share=True)
)
_GRANT_CONSENT = (
    insert(consent)
    .values(account_id=_ACCOUNT)
    .on_conflict_do_update(index_elements=["account_id"], set_={"granted_at": _c.granted_at})
    .returning(_c.granted_at)
)
_REVOKE_CONSENT = sa.delete(consent).where(_c.account_id == _ACCOUNT)
_FORGET_DEVICES = sa.delete(device).where(_d.account_id == _ACCOUNT)
_CONSENT_ROW = sa.select(_c.granted_at).where(_c.account_id == _ACCOUNT)
_UPSERT_DEVICE_INSERT = insert(device).values(
    _binds(device, "id account_id profile_id platform token")
)
# One row per token: a token registered again (a reinstall, another family signing in on
# the same tablet) moves to its latest registration.
_UPSERT_DEVICE = _UPSERT_DEVICE_INSERT.on_conflict_do_update(
    index_elements=["token"],
    set_={
        "account_id": _UPSERT_DEVICE_INSERT.excluded.account_id,
        "profile_id": _UPSERT_DEVICE_INSERT.excluded.profile_id,
        "platform": _UPSERT_DEVICE_INSERT.excluded.platform,
        "updated_at": sa.func.now(),
    },
).returning(*device.c)
# An explorer (`profile_id` given) removes only its own devices; a parent any of the family's.
_DELETE_DEVICE = (
    sa.delete(device)
    .where(
        _d.id == _param("id", sa.Uuid),
        _d.account_id == _ACCOUNT,
        sa.or_(
            _param("profile_id", sa.Uuid).is_(None),
            _d.profile_id == _param("profile_id", sa.Uuid),
        ),
    )
    .returning(_d.id)
)
_DEVICES_FOR = sa.select(_d.id, _d.token).where(
    _d.account_id == _ACCOUNT, _d.profile_id.is_not_distinct_from(_param("profile_id", sa.Uuid))
)
_DELETE_TOKENS = sa.delete(device).where(_d.token == sa.any_(_param("tokens", ARRAY(sa.String))))


async def has_consent(session: AsyncSession, account_id: uuid.UUID) -> bool:
    return bool(await session.scalar(_HAS_CONSENT, {"account_id": account_id}))


async def hold_consent(session: AsyncSession, account_id: uuid.UUID) -> bool:
    """Whether the family allows pushes, kept so until the transaction ends: a revocation
    (which deletes the row, then the devices) waits, then removes what was added meanwhile;
    one that came first is seen."""
    result = await session.execute(_HOLD_CONSENT, {"account_id": account_id})
    return result.first() is not None


async def grant_consent(session: AsyncSession, account_id: uuid.UUID) -> datetime:
    granted: datetime = (
        await session.execute(_GRANT_CONSENT, {"account_id": account_id})
    ).scalar_one()
    return granted


async def revoke_consent(session: AsyncSession, account_id: uuid.UUID) -> int:
    """Removes the consent, then every device of the family; how many devices."""
    await session.execute(_REVOKE_CONSENT, {"account_id": account_id})
    result = await session.execute(_FORGET_DEVICES, {"account_id": account_id})
    return int(getattr(result, "rowcount", 0))


async def consent_row(session: AsyncSession, account_id: uuid.UUID) -> Row | None:
    return (await session.execute(_CONSENT_ROW, {"account_id": account_id})).first()


async def upsert_device(session: AsyncSession, values: dict[str, Any]) -> Row:
    """`values`: account_id, profile_id, platform, token."""
    params = {"id": uuid.uuid4(), **values}
    return (await session.execute(_UPSERT_DEVICE, params)).one()


async def delete_device(
    session: AsyncSession,
    device_id: uuid.UUID,
    account_id: uuid.UUID,
    profile_id: uuid.UUID | None,
) -> bool:
    """Whether the family's device was there; with `profile_id`, only that explorer's."""
    params = {"id": device_id, "account_id": account_id, "profile_id": profile_id}
    return (await session.execute(_DELETE_DEVICE, params)).first() is not None


async def devices_for(
    session: AsyncSession, account_id: uuid.UUID, profile_id: uuid.UUID | None
) -> Sequence[Row]:
    """The devices of one inbox: a child's, or the parent's own (`profile_id` None)."""
    params = {"account_id": account_id, "profile_id": profile_id}
    return (await session.execute(_DEVICES_FOR, params)).all()


async def delete_tokens(session: AsyncSession, tokens: Sequence[str]) -> int:
    if not tokens:
        return 0
    result = await session.execute(_DELETE_TOKENS, {"tokens": list(tokens)})
    return int(getattr(result, "rowcount", 0))


# --- preferences and follows -------------------------------------------------------------------

_p = preference.c
_PROFILE = _param("profile_id", sa.Uuid)
_GET_PREFERENCE = sa.select(*preference.c).where(_p.profile_id == _PROFILE)
# What every explorer of the family chose (NULL: nothing yet, the defaults), for what is
# sent to the parent's own inbox.
_FAMILY_CHANNELS = sa.text(
    "SELECT np.channels FROM profile p "
    "LEFT JOIN notification_preference np ON np.profile_id = p.id WHERE p.account_id = :account"
).bindparams(sa.bindparam("account", type_=sa.Uuid))
_PREFERENCE_COLUMNS = (
    "profile_id account_id channels quiet_start quiet_end reminder_days reminder_time "
    "nickname_on_lock_screen nickname_in_email"
)
_PUT_PREFERENCE_INSERT = insert(preference).values(_binds(preference, _PREFERENCE_COLUMNS))
_PUT_PREFERENCE = _PUT_PREFERENCE_INSERT.on_conflict_do_update(
    index_elements=["profile_id"],
    set_={
        column: _PUT_PREFERENCE_INSERT.excluded[column]
        for column in _PREFERENCE_COLUMNS.split()
        if column != "profile_id"
    }
    | {"updated_at": sa.func.now()},
)


async def get_preference(session: AsyncSession, profile_id: uuid.UUID) -> Row | None:
    return (await session.execute(_GET_PREFERENCE, {"profile_id": profile_id})).first()


async def family_channels(
    session: AsyncSession, account_id: uuid.UUID
) -> list[dict[str, Any] | None]:
    """Per explorer of the family, the channels a parent stored (None: nothing stored)."""
    rows = (await session.execute(_FAMILY_CHANNELS, {"account": account_id})).all()
    return [None if row.channels is None else dict(row.channels) for row in rows]


async def put_preference(session: AsyncSession, values: dict[str, Any]) -> None:
    """`values`: every column of a preference row but `updated_at`."""
    await session.execute(_PUT_PREFERENCE, values)


# Local time per family, in SQL: a zone PostgreSQL does not know (its zone database may be
# older than Python's) reads as UTC, as in the ticker, instead of failing the whole query.
_DUE_REMINDERS = sa.text("""
WITH zones AS MATERIALIZED (SELECT name FROM pg_timezone_names)
SELECT p.profile_id, p.account_id, p.channels, p.quiet_start, p.quiet_end,
       p.reminder_days, p.reminder_time, a.timezone
FROM notification_preference p
JOIN account a ON a.id = p.account_id
LEFT JOIN zones z ON z.name = a.timezone
CROSS JOIN LATERAL (
    SELECT timezone(coalesce(z.name, 'UTC'), CAST(:now AS timestamptz)) AS at
) l
CROSS JOIN LATERAL (
    SELECT extract(epoch FROM l.at::time) AS secs, to_char(l.at, 'YYYY-MM-DD') AS day
) t
WHERE p.profile_id > :after
  AND (
    (p.reminder_time IS NOT NULL
     AND extract(isodow FROM l.at)::int = ANY(p.reminder_days)
     AND t.secs >= extract(epoch FROM p.reminder_time) - :slack
     AND t.secs < extract(epoch FROM p.reminder_time) + :reminder_window + :slack
     AND NOT EXISTS (
        SELECT 1 FROM notification n
        WHERE n.account_id = p.account_id AND n.profile_id = p.profile_id
          AND n.dedup_key = 'reminder:' || t.day))
    OR
    ((coalesce((p.channels -> 'progress' ->> 'in_app')::boolean, false)
      OR coalesce((p.channels -> 'progress' ->> 'push')::boolean, false))
     AND t.secs >= :nudge_from AND t.secs < :nudge_until
     AND NOT EXISTS (
        SELECT 1 FROM notification n
        WHERE n.account_id = p.account_id AND n.profile_id = p.profile_id
          AND n.dedup_key = 'progress:' || t.day)
     -- Something left in progress long enough ago (the ticker reads which, exactly).
     AND EXISTS (
        SELECT 1 FROM progress g
        WHERE g.profile_id = p.profile_id AND g.status = 'in_progress'
          AND g.updated_at >= CAST(:now AS timestamptz) - CAST(:idle_max AS interval)
          AND g.updated_at <= CAST(:now AS timestamptz) - CAST(:idle_min AS interval)))
  )
ORDER BY p.profile_id
LIMIT :limit
""").bindparams(sa.bindparam("after", type_=sa.Uuid))


async def due_reminders(
    session: AsyncSession,
    now: datetime,
    *,
    after: uuid.UUID | None,
    limit: int,
    reminder_window: timedelta,
    nudge_hours: tuple[time, time],
    nudge_idle: tuple[timedelta, timedelta],
) -> Sequence[Row]:
    """Children whose reminder or nudge may be due at `now` and was not sent today (their
    local day), with the family's time zone (the account's own setting: the one
    app/progress reads days in); by profile id, after `after` (keyset batches).

    A superset, for the ticker to check exactly: an hour of slack either side of the
    reminder window covers the days a DST change moves the local clock."""

    def seconds(moment: time) -> int:
        return moment.hour * 3600 + moment.minute * 60 + moment.second

    params = {
        "now": now,
        "after": after or _NO_ID,
        "limit": limit,
        "slack": 3600,
        "reminder_window": int(reminder_window.total_seconds()),
        "nudge_from": seconds(nudge_hours[0]),
        "nudge_until": seconds(nudge_hours[1]),
        "idle_min": nudge_idle[0],
        "idle_max": nudge_idle[1],
    }
    return (await session.execute(_DUE_REMINDERS, params)).all()


_TIMEZONE_OF = sa.text("SELECT timezone FROM account WHERE id = :id").bindparams(
    sa.bindparam("id", type_=sa.Uuid)
)
_NICKNAME_OF = sa.text("SELECT nickname FROM profile WHERE id = :id").bindparams(
    sa.bindparam("id", type_=sa.Uuid)
)
# Table names and the visibility rule are constants of this module, never input.
_TARGET_EXISTS = {
    "theme": sa.text("SELECT 1 FROM theme WHERE id = :id"),
    "series": sa.text(f"SELECT 1 FROM series WHERE id = :id AND {visible()}"),
}


async def timezone_of(session: AsyncSession, account_id: uuid.UUID) -> str:
    value = await session.scalar(_TIMEZONE_OF, {"id": account_id})
    return str(value or "UTC")


async def nickname_of(session: AsyncSession, profile_id: uuid.UUID) -> str | None:
    value = await session.scalar(_NICKNAME_OF, {"id": profile_id})
    return None if value is None else str(value)


async def target_exists(session: AsyncSession, kind: str, target_id: uuid.UUID) -> bool:
    """Whether a theme, or a visible series, has this id."""
    return await session.scalar(_TARGET_EXISTS[kind], {"id": target_id}) is not None


_f = follow.c
_PUT_FOLLOW = (
    insert(follow)
    .values(_binds(follow, "profile_id account_id target_kind target_id"))
    .on_conflict_do_update(
        index_elements=["profile_id", "target_kind", "target_id"],
        set_={"created_at": _f.created_at},
    )
    .returning(_f.created_at)
)
_DELETE_FOLLOW = sa.delete(follow).where(
    _f.profile_id == _PROFILE,
    _f.target_kind == _param("target_kind", _f.target_kind.type),
    _f.target_id == _param("target_id", sa.Uuid),
)
# Followers of a theme, of a series, or of either (a parameter left NULL matches nothing).
_FOLLOWS_TARGET = sa.or_(
    sa.and_(_f.target_kind == "theme", _f.target_id == _param("theme_id", sa.Uuid)),
    sa.and_(_f.target_kind == "series", _f.target_id == _param("series_id", sa.Uuid)),
)
_FOLLOWERS = (
    sa.select(_f.profile_id, _f.account_id)
    .where(_FOLLOWS_TARGET, _f.profile_id > _param("after", sa.Uuid))
    .distinct()
    .order_by(_f.profile_id)
    .limit(_LIMIT)
)
_COUNT_FOLLOWERS = sa.select(sa.func.count(sa.distinct(_f.profile_id))).where(_FOLLOWS_TARGET)
_PARENTS = sa.text(
    "SELECT id FROM account WHERE role = 'parent' AND disabled_at IS NULL AND id > :after "
    "ORDER BY id LIMIT :limit"
).bindparams(sa.bindparam("after", type_=sa.Uuid))
_COUNT_PARENTS = sa.text(
    "SELECT count(*) FROM account WHERE role = 'parent' AND disabled_at IS NULL"
)


async def put_follow(session: AsyncSession, values: dict[str, Any]) -> datetime:
    """`values`: profile_id, account_id, target_kind, target_id. When it was followed
    (first)."""
    followed: datetime = (await session.execute(_PUT_FOLLOW, values)).scalar_one()
    return followed


async def delete_follow(
    session: AsyncSession, profile_id: uuid.UUID, kind: str, target_id: uuid.UUID
) -> None:
    params = {"profile_id": profile_id, "target_kind": kind, "target_id": target_id}
    await session.execute(_DELETE_FOLLOW, params)


def _targets(targets: Sequence[tuple[str, uuid.UUID]]) -> dict[str, uuid.UUID | None]:
    by_kind = dict(targets)
    return {"theme_id": by_kind.get("theme"), "series_id": by_kind.get("series")}


async def followers(
    session: AsyncSession,
    targets: Sequence[tuple[str, uuid.UUID]],
    after: uuid.UUID | None,
    limit: int,
) -> Sequence[Row]:
    """Distinct followers of any of `targets` (a theme, a series, or one of each), by
    profile id (keyset batches)."""
    params = {**_targets(targets), "after": after or _NO_ID, "limit": limit}
    return (await session.execute(_FOLLOWERS, params)).all()


async def count_followers(session: AsyncSession, targets: Sequence[tuple[str, uuid.UUID]]) -> int:
    return int(await session.scalar(_COUNT_FOLLOWERS, _targets(targets)) or 0)


async def parents(session: AsyncSession, after: uuid.UUID | None, limit: int) -> Sequence[Row]:
    """Parent accounts by id (keyset batches), for announcements to everyone."""
    params = {"after": after or _NO_ID, "limit": limit}
    return (await session.execute(_PARENTS, params)).all()


async def count_parents(session: AsyncSession) -> int:
    return int(await session.scalar(_COUNT_PARENTS) or 0)


# --- the catalogue and the tick ----------------------------------------------------------------

_NEWLY_VISIBLE = sa.text(
    " UNION ALL ".join(
        f"SELECT '{kind}' AS kind, id, theme_id, {series} AS series_id, title, published_at "
        f"FROM {kind} WHERE {visible()} AND published_at > :since AND published_at <= :until"
        for kind, series in (("video", "series_id"), ("ebook", "NULL::uuid"), ("diy", "NULL::uuid"))
    )
    + " ORDER BY published_at"
)
_TICK_NAME = _param("name", tick.c.name.type)
_GET_MARK = sa.select(tick.c.until).where(tick.c.name == _TICK_NAME)
_SET_MARK_INSERT = insert(tick).values(
    name=_TICK_NAME, until=_param("until", sa.DateTime(timezone=True))
)
_SET_MARK = _SET_MARK_INSERT.on_conflict_do_update(
    index_elements=["name"], set_={"until": _SET_MARK_INSERT.excluded.until}
)
_TRY_LOCK = sa.select(sa.func.pg_try_advisory_xact_lock(_param("key", sa.BigInteger)))


async def newly_visible(session: AsyncSession, since: datetime, until: datetime) -> Sequence[Row]:
    """Items that became visible in (since, until]: published then, or scheduled for then.
    Uses the catalogue's own visibility rule (app.catalog.queries.visible)."""
    return (await session.execute(_NEWLY_VISIBLE, {"since": since, "until": until})).all()


async def get_mark(session: AsyncSession, name: str) -> datetime | None:
    value: datetime | None = await session.scalar(_GET_MARK, {"name": name})
    return value


async def set_mark(session: AsyncSession, name: str, until: datetime) -> None:
    await session.execute(_SET_MARK, {"name": name, "until": until})


async def try_lock(session: AsyncSession, key: int) -> bool:
    """Takes the advisory lock `key` until this transaction ends, unless another holds it."""
    return bool(await session.scalar(_TRY_LOCK, {"key": key}))


# --- announcements ----------------------------------------------------------------------------

_a = announcement.c
_INSERT_ANNOUNCEMENT = (
    sa.insert(announcement)
    .values(
        _binds(
            announcement,
            "id title body link audience target_kind target_id send_at sent_at created_by",
        )
    )
    .returning(*announcement.c)
)
_GET_ANNOUNCEMENT = sa.select(*announcement.c).where(_a.id == _param("ident", sa.Uuid))
_DUE_ANNOUNCEMENTS = (
    sa.update(announcement)
    .where(_a.sent_at.is_(None), _a.send_at <= _NOW)
    .values(sent_at=_NOW)
    .returning(_a.id)
)
_ADD_REACHED = (
    sa.update(announcement)
    .where(_a.id == _param("ident", sa.Uuid))
    .values(reached=_a.reached + _param("count", sa.Integer))
)


async def insert_announcement(session: AsyncSession, values: dict[str, Any]) -> Row:
    """`values`: title, body, link, audience, target_kind, target_id, send_at, sent_at,
    created_by."""
    params = {"id": uuid.uuid4(), **values}
    return (await session.execute(_INSERT_ANNOUNCEMENT, params)).one()


async def get_announcement(session: AsyncSession, ident: uuid.UUID) -> Row | None:
    return (await session.execute(_GET_ANNOUNCEMENT, {"ident": ident})).first()


async def due_announcements(session: AsyncSession, now: datetime) -> Sequence[Row]:
    """Scheduled announcements whose time came, marked sent (by one tick only)."""
    rows: Sequence[Row] = (await session.execute(_DUE_ANNOUNCEMENTS, {"now": now})).all()
    return rows


async def add_reached(session: AsyncSession, ident: uuid.UUID, count: int) -> None:
    await session.execute(_ADD_REACHED, {"ident": ident, "count": count})


# --- export ---------------------------------------------------------------------------------

_EXPORT = {
    name: sa.select(*columns).where(columns[0].table.c.account_id == _ACCOUNT).order_by(*order)
    for name, columns, order in (
        ("inbox", tuple(notification.c), (_n.created_at, _n.id)),
        ("devices", tuple(device.c), (_d.created_at, _d.id)),
        ("follows", tuple(follow.c), (_f.created_at, _f.profile_id)),
        ("preferences", tuple(preference.c), (_p.profile_id,)),
        ("events", tuple(event.c), (event.c.seq,)),
        # What a ticket was, never what would redeem it (its hash).
        (
            "stream_tickets",
            (_t.profile_id, _t.role, _t.issued_at, _t.expires_at, _t.used_at),
            (_t.issued_at, _t.expires_at),
        ),
    )
}


async def export_rows(session: AsyncSession, name: str, account_id: uuid.UUID) -> Sequence[Row]:
    """The family's rows of one table (inbox, devices, follows, preferences, events,
    stream_tickets)."""
    return (await session.execute(_EXPORT[name], {"account_id": account_id})).all()
