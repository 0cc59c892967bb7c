"""Push notifications behind one interface: PUSH_BACKEND=local records them, fcm sends them
through Firebase Cloud Messaging."""

from app.integrations.push.base import (
    MAX_PUSH_BYTES,
    PushMessage,
    PushOutcome,
    PushResult,
    PushSender,
)
from app.integrations.push.factory import create_push_sender

__all__ = [
    "MAX_PUSH_BYTES",
    "PushMessage",
    "PushOutcome",
    "PushResult",
    "PushSender",
    "create_push_sender",
]
