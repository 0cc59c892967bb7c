from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

# FCM refuses a message whose payload is over 4096 bytes; ours stay well under it.
MAX_PUSH_BYTES = 4096


@dataclass(frozen=True)
class PushMessage:
    """What a locked screen shows (`title`, `body`), where a tap leads (`data`), how long
    the message may wait for an offline device (`ttl_seconds`) and which earlier message it
    replaces (`collapse_key`)."""

    token: str
    title: str
    body: str
    collapse_key: str
    ttl_seconds: int
    data: dict[str, str] = field(default_factory=dict)

    def size(self) -> int:
        payload = {"title": self.title, "body": self.body, "data": self.data}
        payload["collapse_key"] = self.collapse_key
        return len(json.dumps(payload, ensure_ascii=False).encode())


class PushOutcome(StrEnum):
    sent = "sent"
    gone = "gone"  # the token is unregistered or not valid: forget the device
    retry = "retry"  # quota or a server error: keep the device and try again later


@dataclass(frozen=True)
class PushResult:
    token: str
    outcome: PushOutcome
    detail: str = ""


class PushSender(Protocol):
    async def send(self, messages: list[PushMessage]) -> list[PushResult]:
        """One result per message, in order; never raises for one message's failure."""
        ...

    async def aclose(self) -> None: ...
