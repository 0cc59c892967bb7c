from __future__ import annotations

import logging
from uuid import UUID

from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import service as accounts_service
from app.integrations.email import EmailMessage, EmailSender
from app.outbox.registry import TaskContext

SEND_EMAIL = "email.send"
# The receipt of a message handed to the provider: its idempotency key is the outbox
# message's id and this name.
SENT = "email.sent"

logger = logging.getLogger(__name__)


class EmailPayload(BaseModel):
    """What `send_email` (app/emails/service.py) writes; anything else is not an email."""

    model_config = ConfigDict(extra="ignore")

    to: str
    subject: str
    text: str
    account_id: UUID | None = None


async def recipient_gone(session: AsyncSession, payload: EmailPayload) -> bool:
    """Whether the message was written for an account that has since been deleted."""
    if payload.account_id is None:
        return False
    return await accounts_service.get(session, payload.account_id) is None


async def send_email(ctx: TaskContext, email: EmailSender, sender: str) -> None:
    # A payload that is not an email fails for good: dead-lettered, never retried.
    payload = ctx.read(EmailPayload)
    if await recipient_gone(ctx.session, payload):
        # Done without sending; the outbox forgets the payload (address and text) as usual.
        logger.info(
            "email dropped: its account was deleted", extra={"message_id": str(ctx.message_id)}
        )
        return
    message = EmailMessage(
        to=payload.to,
        subject=payload.subject,
        text=payload.text,
        sender=sender,
        # Derived from the idempotency key: a client that still gets a copy twice (the
        # provider accepted it, then the receipt could not be written) can drop one.
        message_id=str(ctx.message_id),
    )
    if not await ctx.once(SENT, lambda: email.send(message)):
        # An earlier delivery handed it over and was then rolled back (a shutdown, a lost
        # database): the message is marked done without a second copy.
        logger.info("email already sent; not sent again", extra={"message_id": str(ctx.message_id)})
