"""What the fronts share: the middleware that answer the hottest requests before routing
(app/catalog/front.py for public catalogue reads, app/profiles/front.py for an explorer's
heartbeats and answers), so that what they answer reads exactly as the routes answer it."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope

# What Starlette's `uuid` path convertor matches: the only spelling a front takes as an id
# (anything else is left to the route and its own validation).
UUID_TEXT = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)

ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]


def handler_for(scope: Scope, exc: Exception) -> ErrorHandler | None:
    """The app's exception handler for `exc` (its class or nearest base), as Starlette's
    ExceptionMiddleware picks it."""
    handlers = scope["app"].exception_handlers
    for cls in type(exc).__mro__:
        handler: ErrorHandler | None = handlers.get(cls)
        if handler is not None:
            return handler
    return None


def replay(messages: list[Message], receive: Receive) -> Receive:
    """`receive` that first hands out what was already read, then reads on (disconnects)."""
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed


async def read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    """The whole body, and the messages it came in (to hand on with `replay`)."""
    messages: list[Message] = []
    chunks: list[bytes] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks), messages
