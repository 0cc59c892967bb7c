from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import service as accounts_service
from app.integrations.email import EmailMessage, EmailSender
from app.outbox.registry import TaskContext

SEND_EMAIL = "email.send"

logger = logging.getLogger(__name__)


async def recipient_gone(session: AsyncSession, payload: dict[str, Any]) -> bool:
    """Whether the message was written for an account that has since been deleted."""
    account_id = payload.get("account_id")
    if account_id is None:
        return False
    return await accounts_service.get(session, UUID(account_id)) is None


async def send_email(ctx: TaskContext, email: EmailSender, sender: str) -> None:
    payload = ctx.payload
    if await recipient_gone(ctx.session, payload):
        # Done without sending; the outbox forgets the payload (address and text) as usual.
        logger.info(
            "email dropped: its account was deleted", extra={"message_id": str(ctx.message_id)}
        )
        return
    await email.send(
        EmailMessage(
            to=payload["to"],
            subject=payload["subject"],
            text=payload["text"],
            sender=sender,
            # The same message id on a retry lets the provider and client drop a duplicate.
            message_id=str(ctx.message_id),
        )
    )
