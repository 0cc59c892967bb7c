"""The statements of accounts and consents, over the request's session.

Statements are built once where they do not depend on the request; values are bound when
they run. Accounts come back as entities, because the services change them in the unit of
work; other rows are read by column name."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.models import Account, Consent, Role
from app.auth.models import EmailCode, RefreshToken
from app.core.pagination import keyset
from app.core.schema import table_of

_accounts = table_of(Account).c
_consents = table_of(Consent).c
_codes = table_of(EmailCode)
_tokens = table_of(RefreshToken).c

_account_id: sa.BindParameter[Any] = sa.bindparam("account_id")
_version: sa.BindParameter[Any] = sa.bindparam("version")

# :email, already normalised (lower case, no surrounding space).
_BY_EMAIL = sa.select(Account).where(sa.func.lower(_accounts.email) == sa.bindparam("email"))
_BY_EMAIL_LOCKED = _BY_EMAIL.with_for_update()
_BY_GOOGLE_SUB = sa.select(Account).where(_accounts.google_sub == sa.bindparam("sub"))
_ADMIN_EXISTS = sa.select(sa.exists().where(_accounts.role == Role.admin))

_CONSENT_EXISTS = sa.select(
    sa.exists().where(_consents.account_id == _account_id, _consents.notice_version == _version)
)
_CONSENT = sa.select(Consent).where(
    _consents.account_id == _account_id, _consents.notice_version == _version
)
_CONSENTS_OF = sa.select(_consents.notice_version, _consents.accepted_at).where(
    _consents.account_id == _account_id
)
# Accepting a notice twice keeps the first acceptance.
_RECORD_CONSENT = (
    insert(Consent)
    .values(id=sa.bindparam("id"), account_id=_account_id, notice_version=_version)
    .on_conflict_do_nothing(index_elements=["account_id", "notice_version"])
)

# Sign-in codes sent to any of :emails (lower case).
_DELETE_EMAIL_CODES = sa.delete(_codes).where(
    _codes.c.email.in_(sa.bindparam("emails", expanding=True))
)

# Parent accounts created before :cutoff, never verified, with no live session (retention).
_live_session = (
    sa.select(_tokens.id)
    .where(
        _tokens.account_id == _accounts.id,
        _tokens.revoked_at.is_(None),
        _tokens.expires_at > sa.bindparam("now"),
    )
    .exists()
)
_UNVERIFIED_BEFORE = (
    sa.select(_accounts.id, _accounts.email)
    .where(
        _accounts.email_verified_at.is_(None),
        _accounts.role == Role.parent.value,
        _accounts.created_at < sa.bindparam("cutoff"),
        ~_live_session,
    )
    .with_for_update(skip_locked=True)
)
_DELETE_ACCOUNTS = sa.delete(table_of(Account)).where(
    _accounts.id.in_(sa.bindparam("ids", expanding=True))
)


async def by_email(session: AsyncSession, email: str, *, lock: bool = False) -> Account | None:
    """`email` normalised; `lock` holds the row for the change that follows."""
    statement = _BY_EMAIL_LOCKED if lock else _BY_EMAIL
    account: Account | None = (
        await session.execute(statement, {"email": email})
    ).scalar_one_or_none()
    return account


async def by_google_sub(session: AsyncSession, sub: str) -> Account | None:
    account: Account | None = (
        await session.execute(_BY_GOOGLE_SUB, {"sub": sub})
    ).scalar_one_or_none()
    return account


async def admin_exists(session: AsyncSession) -> bool:
    return bool(await session.scalar(_ADMIN_EXISTS))


async def consent_exists(session: AsyncSession, account_id: uuid.UUID, version: str) -> bool:
    params = {"account_id": account_id, "version": version}
    return bool(await session.scalar(_CONSENT_EXISTS, params))


async def record_consent(session: AsyncSession, account_id: uuid.UUID, version: str) -> Consent:
    """The account's acceptance of `version`: the first one, if it had accepted it before."""
    params = {"account_id": account_id, "version": version}
    await session.execute(_RECORD_CONSENT, {**params, "id": uuid.uuid4()})
    consent: Consent = (await session.execute(_CONSENT, params)).scalar_one()
    return consent


async def consents_of(session: AsyncSession, account_id: uuid.UUID) -> Sequence[RowMapping]:
    """notice_version and accepted_at of every acceptance, oldest first."""
    rows = (await session.execute(_CONSENTS_OF, {"account_id": account_id})).mappings().all()
    return sorted(rows, key=lambda row: row["accepted_at"])


async def delete_email_codes(session: AsyncSession, emails: Sequence[str]) -> None:
    await session.execute(_DELETE_EMAIL_CODES, {"emails": list(emails)})


async def unverified_before(
    session: AsyncSession, cutoff: datetime, now: datetime
) -> Sequence[RowMapping]:
    """id and email of the accounts retention deletes, locked (others' locks skipped)."""
    params = {"cutoff": cutoff, "now": now}
    return (await session.execute(_UNVERIFIED_BEFORE, params)).mappings().all()


async def delete_accounts(session: AsyncSession, ids: Sequence[uuid.UUID]) -> None:
    await session.execute(_DELETE_ACCOUNTS, {"ids": list(ids)})


async def admin_page(
    session: AsyncSession, q: str | None, role: Role | None, after: tuple[Any, ...], limit: int
) -> Sequence[Account]:
    """Accounts newest first; `q` matches email or display name; `after` the (created_at, id)
    of the last account shown, or NULLs. Built per call: the filters are the caller's."""
    statement = sa.select(Account)
    if q:
        pattern = f"%{q.strip().lower()}%"
        statement = statement.where(
            sa.or_(
                sa.func.lower(_accounts.email).like(pattern),
                sa.func.lower(_accounts.display_name).like(pattern),
            )
        )
    if role:
        statement = statement.where(_accounts.role == role)
    if after[0] is not None:
        statement = statement.where(
            keyset([_accounts.created_at, _accounts.id], list(after), descending=True)
        )
    statement = statement.order_by(_accounts.created_at.desc(), _accounts.id.desc()).limit(limit)
    return (await session.execute(statement)).scalars().all()
