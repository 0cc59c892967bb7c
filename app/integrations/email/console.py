from __future__ import annotations

import sys

from app.integrations.email.base import EmailMessage


class ConsoleEmailSender:
    """Development backend: prints the whole message, so codes can be read off the terminal.

    It writes to stderr directly rather than through logging, whose filter masks codes.
    """

    async def send(self, message: EmailMessage) -> None:
        rule = "-" * 72
        sys.stderr.write(
            f"{rule}\nEmail to {message.to}\nFrom: {message.sender}\n"
            f"Subject: {message.subject}\n\n{message.text}\n{rule}\n"
        )
        sys.stderr.flush()
