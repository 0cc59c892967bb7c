"""Characters no part of the API can store or compare, refused at the edge, once.

PostgreSQL text cannot hold a NUL character, and UTF-8 cannot encode a lone surrogate: either
one in a path, a query or a body string used to reach the database and come back as a 500
(`invalid byte sequence for encoding "UTF8": 0x00`), from whichever statement it met first.
Checking every field of every schema would miss the next one added; checking the request
before routing covers them all, for the cost of one scan of what is already in memory.

- A path or query with a NUL is a 400 `invalid_character` (nothing routed, nothing cached).
- A query naming a token (`access_token`, `token`, `jwt`, `auth`) is a 400 `token_in_url` on
  every route, public reads included: URLs end up in logs, histories and Referer headers, and
  a token sent there must not work anywhere, or clients would learn to send it.
- A JSON or form body with one (`\\u0000`, `%00`), or a JSON string with a lone surrogate
  (`\\ud800`), is a 422 `invalid_character`. Other bodies (uploads) are left alone: files
  are bytes, not text.

Installed inside the body size limit, so a body is read here only once it is known to fit.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.asgi import replay
from app.core.errors import FieldError, problem_response

# A `\u0000` escape that is not itself escaped: an even run of backslashes before it is text.
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_JSON_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
_FORM_NUL = re.compile(rb"%00")
_INVALID = "invalid_character"
_TOKEN_NAMES = frozenset({"access_token", "token", "jwt", "auth"})
_MAYBE_TOKEN = re.compile(rb"(?:^|&)(?:access_token|token|jwt|auth)(?:=|&|$)", re.IGNORECASE)


def _token_in(query: bytes) -> bool:
    # The pattern rules most queries out without parsing; a match is confirmed on the names
    # as the routes would read them (percent-decoded).
    if not _MAYBE_TOKEN.search(query) and b"%" not in query:
        return False
    names = (name for name, _ in parse_qsl(query.decode("latin-1"), keep_blank_values=True))
    return any(name.lower() in _TOKEN_NAMES for name in names)


def _content_type(scope: Scope) -> bytes:
    for key, value in scope.get("headers", ()):
        if key == b"content-type":
            return bytes(value).split(b";", 1)[0].strip().lower()
    return b""


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def _bad_body(content_type: bytes, body: bytes) -> str | None:
    """Why this body is refused, or None."""
    if b"\x00" in body:
        return "The body contains a NUL character."
    if content_type == b"application/x-www-form-urlencoded":
        return "The body contains a NUL character." if _FORM_NUL.search(body) else None
    if _JSON_NUL.search(body):
        return "A string in the body contains a NUL character (\\u0000)."
    if _JSON_SURROGATE.search(body):
        # Rare (pairs spell emoji): only then is the body parsed to tell a pair from a loner.
        try:
            if _has_lone_surrogate(json.loads(body)):
                return "A string in the body contains a lone UTF-16 surrogate."
        except ValueError:
            return None  # not JSON: the route says so
    return None


class InputGuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query: bytes = scope.get("query_string", b"")
        if "\x00" in scope["path"] or b"\x00" in query or b"%00" in query:
            detail = "The address contains a NUL character (%00), which no field can hold."
            await problem_response(400, code=_INVALID, detail=detail)(scope, receive, send)
            return
        if query and _token_in(query):
            detail = "Send the token in the Authorization header, never in the URL."
            await problem_response(400, code="token_in_url", detail=detail)(scope, receive, send)
            return
        content_type = _content_type(scope)
        if not (
            content_type == b"application/x-www-form-urlencoded"
            or content_type == b"application/json"
            or content_type.endswith(b"+json")
        ):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, replay([message], receive), send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        why = _bad_body(content_type, body)
        if why is not None:
            errors = [FieldError(loc=["body"], msg=why, type=_INVALID)]
            response = problem_response(422, code=_INVALID, detail=why, errors=errors)
            await response(scope, receive, send)
            return
        replayed: Message = {"type": "http.request", "body": body, "more_body": False}
        await self.app(scope, replay([replayed], receive), send)
