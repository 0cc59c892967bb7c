"""Small ASGI helpers shared by the edge middleware."""

from __future__ import annotations

from starlette.types import Message, Receive


def replay(messages: list[Message], receive: Receive) -> Receive:
    """`receive` that first hands out what was already read, then reads on (disconnects)."""
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
