"""Retention of accounts: a parent account whose address was never verified is deleted once
it is old enough, with everything that belongs to it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import queries
from app.data_rights import DataRights, Scope


async def prune(session: AsyncSession, cutoff: datetime, rights: DataRights) -> int:
    """Deletes parent accounts created before `cutoff` and never verified, unless one has a
    live session; returns how many. Staff accounts are never pruned. The database cascades
    to the account's rows; its stored files go by a task after commit, its codes now."""
    rows = await queries.unverified_before(session, cutoff, datetime.now(UTC))
    if not rows:
        return 0
    for row in rows:
        await rights.schedule_file_removal(session, Scope(account_id=row["id"]))
    await queries.delete_email_codes(session, [row["email"].lower() for row in rows])
    await queries.delete_accounts(session, [row["id"] for row in rows])
    return len(rows)
