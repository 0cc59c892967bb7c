"""The statements of accounts and consents. Core/ORM statements, built once where they do
not depend on the request; values are bound when they run."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from app.accounts.models import Account, Consent, Role
from app.auth.models import EmailCode
from app.core.pagination import keyset
from app.core.schema import table_of

_accounts = table_of(Account).c
_consents = table_of(Consent).c

# :email, already normalised (lower case, no surrounding space).
BY_EMAIL = sa.select(Account).where(sa.func.lower(_accounts.email) == sa.bindparam("email"))
BY_GOOGLE_SUB = sa.select(Account).where(_accounts.google_sub == sa.bindparam("sub"))
ADMIN_EXISTS = sa.select(sa.exists().where(_accounts.role == Role.admin))

# :account_id, :version
CONSENT_EXISTS = sa.select(
    sa.exists().where(
        _consents.account_id == sa.bindparam("account_id"),
        _consents.notice_version == sa.bindparam("version"),
    )
)
CONSENT = sa.select(Consent).where(
    _consents.account_id == sa.bindparam("account_id"),
    _consents.notice_version == sa.bindparam("version"),
)
CONSENTS_OF = sa.select(Consent).where(_consents.account_id == sa.bindparam("account_id"))
# Accepting a notice twice keeps the first acceptance.
RECORD_CONSENT = (
    insert(Consent)
    .values(
        id=sa.bindparam("id"),
        account_id=sa.bindparam("account_id"),
        notice_version=sa.bindparam("version"),
    )
    .on_conflict_do_nothing(index_elements=["account_id", "notice_version"])
)
# Sign-in codes sent to :email (lower case).
DELETE_EMAIL_CODES = sa.delete(table_of(EmailCode)).where(
    table_of(EmailCode).c.email == sa.bindparam("email")
)


def admin_list(
    q: str | None, role: Role | None, after: tuple[Any, ...], limit: int
) -> sa.Select[Any]:
    """Accounts newest first; `q` matches email or display name; `after` the (created_at, id)
    of the last account shown, or NULLs."""
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
    return statement.order_by(_accounts.created_at.desc(), _accounts.id.desc()).limit(limit)
