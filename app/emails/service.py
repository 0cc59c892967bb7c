"""Outgoing email: written to the outbox with the request, sent after it commits."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import service as accounts_service
from app.emails.tasks import SEND_EMAIL
from app.outbox.service import enqueue


async def send_email(
    session: AsyncSession, *, to: str, subject: str, text: str, dedup_key: str | None = None
) -> UUID | None:
    """Schedules an email; nothing leaves before the caller's transaction commits.

    The message remembers the account the address belongs to, if any, so that it is dropped
    instead of sent once that account is deleted (codes also go to addresses with no account)."""
    account = await accounts_service.get_by_email(session, to)
    payload: dict[str, Any] = {"to": to, "subject": subject, "text": text}
    if account is not None:
        payload["account_id"] = str(account.id)
    return await enqueue(session, SEND_EMAIL, payload, dedup_key=dedup_key)
