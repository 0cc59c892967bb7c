"""The statements of sign-in: emailed codes, refresh-token families, and their retention.

Core statements over the request's session, built once; values are bound when they run and
rows are read by column name. The two raw statements at the top serve the token check, and
the revocation stamps it reads are moved here too."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg
import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.models import Account
from app.auth.models import EmailCode, RefreshToken
from app.core.schema import table_of

# --- the token check (raw asyncpg) -----------------------------------------------------------
# Run on the read pool: on a cache miss before any request session exists, and on public
# reads that have no session at all.

ACCOUNT_NOT_BEFORE = (
    "SELECT tokens_not_before, explorer_tokens_not_before FROM account WHERE id = $1"
)
# The profiles table is read here, not through the profiles service: that module builds on
# this one (the caller), and this check must stay one cheap statement.
PROFILE_OWNER = "SELECT account_id FROM profile WHERE id = $1"


async def account_not_before(
    conn: asyncpg.Connection[Any], account_id: uuid.UUID
) -> asyncpg.Record | None:
    """The account's (tokens_not_before, explorer_tokens_not_before); None when it is gone.

    Raw asyncpg on a pooled connection of its own: the token check runs before routing, when
    no unit of work exists, and a miss must cost one plain statement."""
    row: asyncpg.Record | None = await conn.fetchrow(ACCOUNT_NOT_BEFORE, account_id)
    return row


async def profile_owner(conn: asyncpg.Connection[Any], profile_id: uuid.UUID) -> uuid.UUID | None:
    """The account the profile belongs to; None when there is no such profile. Raw asyncpg,
    for the revocation check's miss (see account_not_before)."""
    owner: uuid.UUID | None = await conn.fetchval(PROFILE_OWNER, profile_id)
    return owner


_accounts = table_of(Account)

# --- revocation stamps -----------------------------------------------------------------------


def _raise_not_before(column: sa.Column[Any]) -> sa.Update:
    moment = sa.bindparam("moment", type_=column.type)
    return (
        sa.update(_accounts)
        .where(_accounts.c.id == sa.bindparam("account_id"))
        # Never backwards: a slower instance's clock cannot revive tokens.
        .values({column: sa.func.greatest(sa.func.coalesce(column, moment), moment)})
        .returning(_accounts.c.tokens_not_before, _accounts.c.explorer_tokens_not_before)
    )


_RAISE_NOT_BEFORE = _raise_not_before(_accounts.c.tokens_not_before)
_RAISE_EXPLORERS_NOT_BEFORE = _raise_not_before(_accounts.c.explorer_tokens_not_before)


async def raise_not_before(
    session: AsyncSession, account_id: uuid.UUID, moment: datetime, *, explorers_only: bool
) -> sa.Row[Any] | None:
    """Moves the account's "not before" (of explorer tokens only, if asked) up to `moment`,
    never back; the account's two stamps after it, or None when there is no such account."""
    statement = _RAISE_EXPLORERS_NOT_BEFORE if explorers_only else _RAISE_NOT_BEFORE
    params = {"account_id": account_id, "moment": moment}
    return (await session.execute(statement, params)).one_or_none()


_codes = table_of(EmailCode)
_tokens = table_of(RefreshToken)

# --- emailed codes ---------------------------------------------------------------------------

_email: sa.BindParameter[Any] = sa.bindparam("address")
_purpose: sa.BindParameter[Any] = sa.bindparam("code_purpose")
_now: sa.BindParameter[Any] = sa.bindparam("now")

_LOCK_ADDRESS = sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(_email)))
_SENT_SINCE = (
    sa.select(sa.func.count())
    .select_from(_codes)
    .where(_codes.c.email == _email, _codes.c.created_at > sa.bindparam("since"))
)
_LIVE = (
    _codes.c.email == _email,
    _codes.c.purpose == _purpose,
    _codes.c.consumed_at.is_(None),
    _codes.c.expires_at > _now,
)
_VOID_LIVE = sa.update(_codes).where(*_LIVE).values(expires_at=_now)
_NEWEST_LIVE_LOCKED = (
    sa.select(_codes.c.id, _codes.c.code_hash, _codes.c.attempts)
    .where(*_LIVE)
    .order_by(_codes.c.created_at.desc())
    .limit(1)
    .with_for_update()
)
_COUNT_GUESS = (
    sa.update(_codes)
    .where(_codes.c.id == sa.bindparam("code_id"))
    .values(attempts=_codes.c.attempts + 1)
)
_SPEND = sa.update(_codes).where(_codes.c.id == sa.bindparam("code_id")).values(consumed_at=_now)
# The password of the registration waiting on an unverified account: what its codes confirm.
_WAITING_PASSWORD = sa.select(_accounts.c.password_hash).where(
    sa.func.lower(_accounts.c.email) == _email, _accounts.c.email_verified_at.is_(None)
)
_PRUNE_CODES = sa.delete(_codes).where(_codes.c.expires_at < sa.bindparam("cutoff"))


async def lock_address(session: AsyncSession, email: str) -> None:
    """Serialises the sign-in emails of one address until the transaction ends."""
    await session.execute(_LOCK_ADDRESS, {"address": email})


async def codes_sent_since(session: AsyncSession, email: str, since: datetime) -> int:
    return int(await session.scalar(_SENT_SINCE, {"address": email, "since": since}) or 0)


async def void_live_codes(session: AsyncSession, email: str, purpose: str, now: datetime) -> None:
    await session.execute(_VOID_LIVE, {"address": email, "code_purpose": purpose, "now": now})


async def newest_live_code(
    session: AsyncSession, email: str, purpose: str, now: datetime
) -> RowMapping | None:
    """The code that counts (id, code_hash, attempts), locked until the transaction ends."""
    params = {"address": email, "code_purpose": purpose, "now": now}
    return (await session.execute(_NEWEST_LIVE_LOCKED, params)).mappings().first()


async def count_guess(session: AsyncSession, code_id: uuid.UUID) -> None:
    await session.execute(_COUNT_GUESS, {"code_id": code_id})


async def spend_code(session: AsyncSession, code_id: uuid.UUID, now: datetime) -> None:
    await session.execute(_SPEND, {"code_id": code_id, "now": now})


async def waiting_password(session: AsyncSession, email: str) -> str | None:
    password_hash: str | None = await session.scalar(_WAITING_PASSWORD, {"address": email})
    return password_hash


async def prune_codes(session: AsyncSession, cutoff: datetime) -> int:
    result = await session.execute(_PRUNE_CODES, {"cutoff": cutoff})
    return int(getattr(result, "rowcount", 0))


# --- refresh-token families ------------------------------------------------------------------

_token_hash: sa.BindParameter[Any] = sa.bindparam("token")
_family_id: sa.BindParameter[Any] = sa.bindparam("family")
_account_id: sa.BindParameter[Any] = sa.bindparam("owner")

_ROTATE = (
    sa.update(_tokens)
    .where(
        _tokens.c.token_hash == _token_hash,
        _tokens.c.rotated_at.is_(None),
        _tokens.c.revoked_at.is_(None),
        _tokens.c.expires_at > _now,
    )
    .values(rotated_at=_now)
    .returning(_tokens.c.account_id, _tokens.c.family_id, _tokens.c.family_expires_at)
)
_ROTATED_FAMILY = sa.select(_tokens.c.family_id).where(
    _tokens.c.token_hash == _token_hash, _tokens.c.rotated_at.is_not(None)
)
_FAMILY = sa.select(_tokens.c.family_id).where(_tokens.c.token_hash == _token_hash)
_REVOKE_FAMILY = (
    sa.update(_tokens)
    .where(_tokens.c.family_id == _family_id, _tokens.c.revoked_at.is_(None))
    .values(revoked_at=sa.func.now())
)
_REVOKE_ACCOUNT = (
    sa.update(_tokens)
    .where(_tokens.c.account_id == _account_id, _tokens.c.revoked_at.is_(None))
    .values(revoked_at=sa.func.now())
)
_LIVE_FAMILIES = sa.select(sa.func.count(sa.distinct(_tokens.c.family_id))).where(
    _tokens.c.account_id == _account_id,
    _tokens.c.revoked_at.is_(None),
    _tokens.c.rotated_at.is_(None),
    _tokens.c.expires_at > _now,
)
# A family ended when its last token expired or was revoked, whichever came first.
_family_ended_at = sa.func.max(
    sa.case(
        (
            _tokens.c.revoked_at.is_not(None),
            sa.func.least(_tokens.c.revoked_at, _tokens.c.expires_at),
        ),
        else_=_tokens.c.expires_at,
    )
)
_PRUNE_FAMILIES = sa.delete(_tokens).where(
    _tokens.c.family_id.in_(
        sa.select(_tokens.c.family_id)
        .group_by(_tokens.c.family_id)
        .having(_family_ended_at < sa.bindparam("cutoff"))
    )
)


async def rotate_token(session: AsyncSession, token_hash: str, now: datetime) -> RowMapping | None:
    """Marks a live token rotated; its account_id, family_id and family_expires_at, or None
    when the token is unknown, expired, revoked or already rotated."""
    params = {"token": token_hash, "now": now}
    return (await session.execute(_ROTATE, params)).mappings().first()


async def rotated_family(session: AsyncSession, token_hash: str) -> uuid.UUID | None:
    """The family of a token that was already rotated: presenting it again is a replay."""
    family: uuid.UUID | None = await session.scalar(_ROTATED_FAMILY, {"token": token_hash})
    return family


async def family_of(session: AsyncSession, token_hash: str) -> uuid.UUID | None:
    family: uuid.UUID | None = await session.scalar(_FAMILY, {"token": token_hash})
    return family


async def revoke_family(session: AsyncSession, family_id: uuid.UUID) -> None:
    await session.execute(_REVOKE_FAMILY, {"family": family_id})


async def revoke_account_tokens(session: AsyncSession, account_id: uuid.UUID) -> None:
    await session.execute(_REVOKE_ACCOUNT, {"owner": account_id})


async def live_family_count(session: AsyncSession, account_id: uuid.UUID, now: datetime) -> int:
    params = {"owner": account_id, "now": now}
    return int(await session.scalar(_LIVE_FAMILIES, params) or 0)


async def prune_families(session: AsyncSession, cutoff: datetime) -> int:
    result = await session.execute(_PRUNE_FAMILIES, {"cutoff": cutoff})
    return int(getattr(result, "rowcount", 0))
