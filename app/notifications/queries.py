"""Statements of the notifications module (Core, on the caller's session)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
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

# --- inbox -------------------------------------------------------------------------------


async def insert_notification(session: AsyncSession, values: dict[str, Any]) -> Row | None:
    """The new row, or None when this recipient already has one with that dedup key."""
    statement = (
        insert(notification)
        .values(id=uuid.uuid4(), **values)
        .on_conflict_do_nothing(index_elements=["account_id", "profile_id", "dedup_key"])
        .returning(*notification.c)
    )
    return (await session.execute(statement)).first()


def recipient(account_id: uuid.UUID, profile_id: uuid.UUID | None, every: bool) -> Any:
    """The rows of one inbox, or with `every` the whole family's (a parent's view)."""
    condition = notification.c.account_id == account_id
    if every:
        return condition
    if profile_id is None:
        return sa.and_(condition, notification.c.profile_id.is_(None))
    return sa.and_(condition, notification.c.profile_id == profile_id)


def _status(status: str | None, now: datetime) -> list[Any]:
    live = sa.or_(notification.c.expires_at.is_(None), notification.c.expires_at > now)
    if status == "archived":
        return [notification.c.archived_at.is_not(None)]
    conditions = [notification.c.archived_at.is_(None), live]
    if status == "unread":
        conditions.append(notification.c.read_at.is_(None))
    elif status == "read":
        conditions.append(notification.c.read_at.is_not(None))
    return conditions


async def list_inbox(
    session: AsyncSession,
    scope: Any,
    status: str | None,
    now: datetime,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[Row]:
    statement = sa.select(*notification.c).where(scope, *_status(status, now))
    if after is not None:
        statement = statement.where(
            sa.tuple_(notification.c.created_at, notification.c.id) < sa.tuple_(*after)
        )
    statement = statement.order_by(
        notification.c.created_at.desc(), notification.c.id.desc()
    ).limit(limit)
    return (await session.execute(statement)).all()


async def unread_count(session: AsyncSession, scope: Any, now: datetime) -> int:
    statement = sa.select(sa.func.count()).where(scope, *_status("unread", now))
    return int(await session.scalar(statement) or 0)


async def get_notification(session: AsyncSession, scope: Any, ident: uuid.UUID) -> Row | None:
    statement = sa.select(*notification.c).where(scope, notification.c.id == ident)
    return (await session.execute(statement)).first()


async def notification_by_id(session: AsyncSession, ident: uuid.UUID) -> Row | None:
    statement = sa.select(*notification.c).where(notification.c.id == ident)
    return (await session.execute(statement)).first()


async def mark(
    session: AsyncSession, scope: Any, ident: uuid.UUID, column: str, now: datetime
) -> Row | None:
    """Sets `column` (and `seen_at` with it) unless already set; the row either way."""
    values: dict[str, Any] = {column: sa.func.coalesce(notification.c[column], now)}
    if column != "seen_at":
        values["seen_at"] = sa.func.coalesce(notification.c.seen_at, now)
    statement = (
        sa.update(notification)
        .where(scope, notification.c.id == ident)
        .values(**values)
        .returning(*notification.c)
    )
    return (await session.execute(statement)).first()


async def read_all(session: AsyncSession, scope: Any, now: datetime) -> Sequence[Row]:
    statement = (
        sa.update(notification)
        .where(scope, notification.c.read_at.is_(None), notification.c.archived_at.is_(None))
        .values(read_at=now, seen_at=sa.func.coalesce(notification.c.seen_at, now))
        .returning(notification.c.id, notification.c.profile_id)
    )
    return (await session.execute(statement)).all()


async def set_push_state(session: AsyncSession, ident: uuid.UUID, **values: Any) -> None:
    await session.execute(
        sa.update(notification).where(notification.c.id == ident).values(**values)
    )


async def add_pushed_devices(
    session: AsyncSession, ident: uuid.UUID, device_ids: Sequence[uuid.UUID]
) -> None:
    if not device_ids:
        return
    column = notification.c.pushed_device_ids
    await session.execute(
        sa.update(notification)
        .where(notification.c.id == ident)
        .values(
            pushed_device_ids=sa.func.array_cat(
                column, sa.bindparam("device_ids", list(device_ids), type_=ARRAY(sa.Uuid))
            )
        )
    )


async def due_pushes(session: AsyncSession, now: datetime, limit: int = 500) -> Sequence[Row]:
    statement = (
        sa.select(notification.c.id, notification.c.push_at)
        .where(notification.c.push_at <= now, notification.c.pushed_at.is_(None))
        .order_by(notification.c.push_at)
        .limit(limit)
    )
    return (await session.execute(statement)).all()


# --- the event log -------------------------------------------------------------------------


async def next_seq(session: AsyncSession, account_id: uuid.UUID) -> int:
    """The account's next event number. The upsert locks the account's counter row until
    this transaction ends: a concurrent writer of the same account waits here, then reads
    the committed value. So numbers are handed out in commit order, and a transaction that
    rolls back takes its increment with it: the sequence has no gaps."""
    statement = (
        insert(counter)
        .values(account_id=account_id, last_seq=1)
        .on_conflict_do_update(
            index_elements=["account_id"], set_={"last_seq": counter.c.last_seq + 1}
        )
        .returning(counter.c.last_seq)
    )
    return int((await session.execute(statement)).scalar_one())


async def insert_event(
    session: AsyncSession,
    account_id: uuid.UUID,
    profile_id: uuid.UUID | None,
    kind: str,
    data: dict[str, Any],
) -> int:
    seq = await next_seq(session, account_id)
    await session.execute(
        sa.insert(event).values(
            account_id=account_id, seq=seq, profile_id=profile_id, type=kind, data=data
        )
    )
    return seq


async def last_seq(session: AsyncSession, account_id: uuid.UUID) -> int:
    statement = sa.select(counter.c.last_seq).where(counter.c.account_id == account_id)
    return int(await session.scalar(statement) or 0)


async def first_retained(session: AsyncSession, account_id: uuid.UUID) -> int | None:
    statement = sa.select(sa.func.min(event.c.seq)).where(event.c.account_id == account_id)
    value = await session.scalar(statement)
    return None if value is None else int(value)


# The stream's read after every ring, by a thousand streams at once: fixed SQL on the plain
# read pool, not a session and a compiled statement per stream. The event's JSON comes back
# as text and is written compact (`_event` in stream.py), as before.
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
    rows: list[asyncpg.Record] = await conn.fetch(
        _EVENTS_AFTER_SQL, account_id, after, profile_id, limit
    )
    return rows


async def prune_events(session: AsyncSession, before: datetime) -> int:
    # The counter row stays: numbers keep growing, so an old Last-Event-ID is recognised.
    result = await session.execute(sa.delete(event).where(event.c.created_at < before))
    return int(getattr(result, "rowcount", 0))


# --- stream tickets --------------------------------------------------------------------------


async def add_ticket(session: AsyncSession, values: dict[str, Any], now: datetime) -> None:
    await session.execute(sa.delete(ticket).where(ticket.c.expires_at < now))
    await session.execute(sa.insert(ticket).values(**values))


async def redeem_ticket(session: AsyncSession, ticket_hash: str, now: datetime) -> Row | None:
    """Deleting it is what makes it single-use, on every instance at once."""
    statement = (
        sa.delete(ticket)
        .where(ticket.c.ticket_hash == ticket_hash, ticket.c.expires_at > now)
        .returning(ticket.c.account_id, ticket.c.profile_id, ticket.c.role, ticket.c.issued_us)
    )
    return (await session.execute(statement)).first()


# --- devices and consent ----------------------------------------------------------------------


async def has_consent(session: AsyncSession, account_id: uuid.UUID) -> bool:
    statement = sa.select(sa.exists().where(consent.c.account_id == account_id))
    return bool(await session.scalar(statement))


async def hold_consent(session: AsyncSession, account_id: uuid.UUID) -> bool:
    """Whether the family allows pushes, kept so until the transaction ends: a revocation
    (which deletes the row, then the devices) waits, then removes what was added meanwhile;
    one that came first is seen. KEY SHARE: a repeated grant does not wait."""
    statement = (
        sa.select(consent.c.account_id)
        .where(consent.c.account_id == account_id)
        .with_for_update(read=True, key_share=True)
    )
    return (await session.execute(statement)).first() is not None


async def grant_consent(session: AsyncSession, account_id: uuid.UUID) -> datetime:
    statement = (
        insert(consent)
        .values(account_id=account_id)
        .on_conflict_do_update(
            index_elements=["account_id"], set_={"granted_at": consent.c.granted_at}
        )
        .returning(consent.c.granted_at)
    )
    granted: datetime = (await session.execute(statement)).scalar_one()
    return granted


async def revoke_consent(session: AsyncSession, account_id: uuid.UUID) -> int:
    await session.execute(sa.delete(consent).where(consent.c.account_id == account_id))
    result = await session.execute(sa.delete(device).where(device.c.account_id == account_id))
    return int(getattr(result, "rowcount", 0))


async def consent_row(session: AsyncSession, account_id: uuid.UUID) -> Row | None:
    statement = sa.select(consent.c.granted_at).where(consent.c.account_id == account_id)
    return (await session.execute(statement)).first()


async def upsert_device(session: AsyncSession, values: dict[str, Any]) -> Row:
    """One row per token: a token registered again (a reinstall, another family signing in
    on the same tablet) moves to its latest registration."""
    statement = (
        insert(device)
        .values(id=uuid.uuid4(), **values)
        .on_conflict_do_update(
            index_elements=["token"],
            set_={
                "account_id": values["account_id"],
                "profile_id": values["profile_id"],
                "platform": values["platform"],
                "updated_at": sa.func.now(),
            },
        )
        .returning(*device.c)
    )
    return (await session.execute(statement)).one()


async def delete_device(session: AsyncSession, condition: Any) -> bool:
    result = await session.execute(sa.delete(device).where(condition).returning(device.c.id))
    return result.first() is not None


async def devices_for(
    session: AsyncSession, account_id: uuid.UUID, profile_id: uuid.UUID | None
) -> Sequence[Row]:
    who = device.c.profile_id.is_(None) if profile_id is None else device.c.profile_id == profile_id
    statement = sa.select(device.c.id, device.c.token).where(device.c.account_id == account_id, who)
    return (await session.execute(statement)).all()


async def delete_tokens(session: AsyncSession, tokens: Sequence[str]) -> int:
    if not tokens:
        return 0
    result = await session.execute(sa.delete(device).where(device.c.token.in_(list(tokens))))
    return int(getattr(result, "rowcount", 0))


# --- preferences and follows -------------------------------------------------------------------


async def get_preference(session: AsyncSession, profile_id: uuid.UUID) -> Row | None:
    statement = sa.select(*preference.c).where(preference.c.profile_id == profile_id)
    return (await session.execute(statement)).first()


async def put_preference(session: AsyncSession, values: dict[str, Any]) -> None:
    statement = insert(preference).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["profile_id"],
        set_={k: statement.excluded[k] for k in values if k != "profile_id"}
        | {"updated_at": sa.func.now()},
    )
    await session.execute(statement)


# Local time per family, in SQL: a zone PostgreSQL does not know (its zone database may be
# older than Python's) reads as UTC, as in the ticker, instead of failing the whole query.
_DUE_SQL = """
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
WHERE (CAST(:after AS uuid) IS NULL OR p.profile_id > :after)
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
"""


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

    statement = sa.text(_DUE_SQL).bindparams(
        now=now,
        after=after,
        limit=limit,
        slack=3600,
        reminder_window=int(reminder_window.total_seconds()),
        nudge_from=seconds(nudge_hours[0]),
        nudge_until=seconds(nudge_hours[1]),
        idle_min=nudge_idle[0],
        idle_max=nudge_idle[1],
    )
    return (await session.execute(statement)).all()


async def timezone_of(session: AsyncSession, account_id: uuid.UUID) -> str:
    value = await session.scalar(
        sa.text("SELECT timezone FROM account WHERE id = :id").bindparams(id=account_id)
    )
    return str(value or "UTC")


async def nickname_of(session: AsyncSession, profile_id: uuid.UUID) -> str | None:
    value = await session.scalar(
        sa.text("SELECT nickname FROM profile WHERE id = :id").bindparams(id=profile_id)
    )
    return None if value is None else str(value)


async def target_exists(session: AsyncSession, kind: str, target_id: uuid.UUID) -> bool:
    table = "theme" if kind == "theme" else "series"
    condition = "" if kind == "theme" else f" AND {visible()}"
    value = await session.scalar(
        sa.text(f"SELECT 1 FROM {table} WHERE id = :id{condition}").bindparams(id=target_id)  # noqa: S608
    )
    return value is not None


async def put_follow(session: AsyncSession, values: dict[str, Any]) -> datetime:
    statement = (
        insert(follow)
        .values(**values)
        .on_conflict_do_update(
            index_elements=["profile_id", "target_kind", "target_id"],
            set_={"created_at": follow.c.created_at},
        )
        .returning(follow.c.created_at)
    )
    followed: datetime = (await session.execute(statement)).scalar_one()
    return followed


async def delete_follow(
    session: AsyncSession, profile_id: uuid.UUID, kind: str, target_id: uuid.UUID
) -> None:
    await session.execute(
        sa.delete(follow).where(
            follow.c.profile_id == profile_id,
            follow.c.target_kind == kind,
            follow.c.target_id == target_id,
        )
    )


def _followers_condition(targets: Sequence[tuple[str, uuid.UUID]]) -> Any:
    return sa.or_(
        *(sa.and_(follow.c.target_kind == k, follow.c.target_id == t) for k, t in targets)
    )


async def followers(
    session: AsyncSession,
    targets: Sequence[tuple[str, uuid.UUID]],
    after: uuid.UUID | None,
    limit: int,
) -> Sequence[Row]:
    """Distinct followers of any of `targets`, by profile id (keyset batches)."""
    statement = (
        sa.select(follow.c.profile_id, follow.c.account_id)
        .where(_followers_condition(targets))
        .distinct()
        .order_by(follow.c.profile_id)
        .limit(limit)
    )
    if after is not None:
        statement = statement.where(follow.c.profile_id > after)
    return (await session.execute(statement)).all()


async def count_followers(session: AsyncSession, targets: Sequence[tuple[str, uuid.UUID]]) -> int:
    statement = sa.select(sa.func.count(sa.distinct(follow.c.profile_id))).where(
        _followers_condition(targets)
    )
    return int(await session.scalar(statement) or 0)


async def parents(session: AsyncSession, after: uuid.UUID | None, limit: int) -> Sequence[Row]:
    """Parent accounts by id (keyset batches), for announcements to everyone."""
    statement = sa.text(
        "SELECT id FROM account WHERE role = 'parent' AND disabled_at IS NULL "
        "AND (CAST(:after AS uuid) IS NULL OR id > :after) ORDER BY id LIMIT :limit"
    ).bindparams(after=after, limit=limit)
    return (await session.execute(statement)).all()


async def count_parents(session: AsyncSession) -> int:
    statement = sa.text(
        "SELECT count(*) FROM account WHERE role = 'parent' AND disabled_at IS NULL"
    )
    return int(await session.scalar(statement) or 0)


# --- the catalogue, as the tick sees it ----------------------------------------------------------

_NEWLY_VISIBLE = " UNION ALL ".join(
    # Table names and the visibility rule are constants of this module, never input.
    f"SELECT '{kind}' AS kind, id, theme_id, {series} AS series_id, title, published_at "  # noqa: S608
    f"FROM {kind} WHERE {visible()} AND published_at > :since AND published_at <= :until"
    for kind, series in (("video", "series_id"), ("ebook", "NULL::uuid"), ("diy", "NULL::uuid"))
)


async def newly_visible(session: AsyncSession, since: datetime, until: datetime) -> Sequence[Row]:
    """Items that became visible in (since, until]: published then, or scheduled for then.
    Uses the catalogue's own visibility rule (app.catalog.queries.visible)."""
    statement = sa.text(_NEWLY_VISIBLE + " ORDER BY published_at").bindparams(
        since=since, until=until
    )
    return (await session.execute(statement)).all()


async def get_mark(session: AsyncSession, name: str) -> datetime | None:
    value: datetime | None = await session.scalar(
        sa.select(tick.c.until).where(tick.c.name == name)
    )
    return value


async def set_mark(session: AsyncSession, name: str, until: datetime) -> None:
    statement = insert(tick).values(name=name, until=until)
    statement = statement.on_conflict_do_update(index_elements=["name"], set_={"until": until})
    await session.execute(statement)


# --- announcements ----------------------------------------------------------------------------


async def insert_announcement(session: AsyncSession, values: dict[str, Any]) -> Row:
    statement = sa.insert(announcement).values(id=uuid.uuid4(), **values).returning(*announcement.c)
    return (await session.execute(statement)).one()


async def get_announcement(session: AsyncSession, ident: uuid.UUID) -> Row | None:
    statement = sa.select(*announcement.c).where(announcement.c.id == ident)
    return (await session.execute(statement)).first()


async def due_announcements(session: AsyncSession, now: datetime) -> Sequence[Row]:
    statement = (
        sa.update(announcement)
        .where(announcement.c.sent_at.is_(None), announcement.c.send_at <= now)
        .values(sent_at=now)
        .returning(announcement.c.id)
    )
    rows: Sequence[Row] = (await session.execute(statement)).all()
    return rows


async def add_reached(session: AsyncSession, ident: uuid.UUID, count: int) -> None:
    await session.execute(
        sa.update(announcement)
        .where(announcement.c.id == ident)
        .values(reached=announcement.c.reached + count)
    )


# --- export ---------------------------------------------------------------------------------


async def export_rows(
    session: AsyncSession, table: sa.Table, account_id: uuid.UUID
) -> Sequence[Row]:
    return (
        await session.execute(sa.select(*table.c).where(table.c.account_id == account_id))
    ).all()
