from __future__ import annotations

from app.integrations.email import EmailMessage
from app.outbox.registry import TaskContext, task

SEND_EMAIL = "email.send"


@task(SEND_EMAIL, forget_payload=True)
async def send_email(ctx: TaskContext) -> None:
    payload = ctx.payload
    await ctx.runtime.email.send(
        EmailMessage(
            to=payload["to"],
            subject=payload["subject"],
            text=payload["text"],
            sender=ctx.runtime.settings.email_from,
            # The same message id on a retry lets the provider and client drop a duplicate.
            message_id=str(ctx.message_id),
        )
    )
