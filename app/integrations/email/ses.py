from __future__ import annotations

import asyncio
from typing import Any

from app.integrations.email.base import EmailMessage
from app.integrations.email.smtp import build_mime


class SesEmailSender:
    """Amazon SES through boto3's v2 API, sending the same MIME message SMTP would."""

    def __init__(self, region: str, client: Any | None = None) -> None:
        if client is None:
            import boto3

            client = boto3.client("sesv2", region_name=region)
        self.client = client

    async def send(self, message: EmailMessage) -> None:
        raw = build_mime(message).as_bytes()
        await asyncio.to_thread(
            self.client.send_email,
            FromEmailAddress=message.sender,
            Destination={"ToAddresses": [message.to]},
            Content={"Raw": {"Data": raw}},
        )
