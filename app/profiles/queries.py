"""The statements of explorer profiles, built once; values are bound when they run."""

from __future__ import annotations

import sqlalchemy as sa

from app.core.schema import table_of
from app.profiles.models import Profile

_profiles = table_of(Profile).c

# A family's explorers (:account_id), oldest first.
OF_ACCOUNT = (
    sa.select(Profile)
    .where(_profiles.account_id == sa.bindparam("account_id"))
    .order_by(_profiles.created_at)
)
COUNT_OF_ACCOUNT = sa.select(sa.func.count()).where(
    _profiles.account_id == sa.bindparam("account_id")
)
# Holds the family's account row (:account_id) until the transaction ends.
# SQL text: profiles do not import the accounts module's tables.
LOCK_ACCOUNT = sa.text("SELECT 1 FROM account WHERE id = :account_id FOR UPDATE")
