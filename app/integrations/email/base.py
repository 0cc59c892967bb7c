from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class EmailMessage:
    to: str
    subject: str
    text: str
    sender: str
    html: str | None = None
    # Lets a provider drop a repeated delivery of the same message.
    message_id: str | None = None


class EmailSender(Protocol):
    async def send(self, message: EmailMessage) -> None: ...
