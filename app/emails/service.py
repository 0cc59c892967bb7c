from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app.emails.tasks import SEND_EMAIL
from app.outbox.service import enqueue


async def send_email(
    session: AsyncSession, *, to: str, subject: str, text: str, dedup_key: str | None = None
) -> UUID | None:
    """Schedules an email; nothing leaves before the caller's transaction commits."""
    return await enqueue(
        session, SEND_EMAIL, {"to": to, "subject": subject, "text": text}, dedup_key=dedup_key
    )
