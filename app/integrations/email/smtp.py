from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage as MimeMessage

from app.integrations.email.base import EmailMessage


def build_mime(message: EmailMessage) -> MimeMessage:
    mime = MimeMessage()
    mime["From"] = message.sender
    mime["To"] = message.to
    mime["Subject"] = message.subject
    if message.message_id:
        mime["Message-ID"] = f"<{message.message_id}@wonderspaced>"
    mime.set_content(message.text)
    if message.html:
        mime.add_alternative(message.html, subtype="html")
    return mime


class SmtpEmailSender:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.starttls = starttls
        self.timeout = timeout

    def _send_blocking(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username and self.password:
                smtp.login(self.username, self.password)
            smtp.send_message(build_mime(message))

    async def send(self, message: EmailMessage) -> None:
        # smtplib blocks; a worker thread keeps the event loop free.
        await asyncio.to_thread(self._send_blocking, message)
