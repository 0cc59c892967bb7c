"""Who is calling, established once per request, before routing.

One pure ASGI middleware reads the first `Authorization` header of every API request, checks
the bearer token (signature and claims without a database call, then its revocation stamp
from the shared cache) and puts the outcome in the request's state. Every caller dependency
(app/auth/deps.py) reads it from there: a route that needs a caller gets one, a public route
that takes an optional caller refuses a bad token with the same 401, and a route that does
not ask never sees it (a stale header on `/auth/refresh` does no harm).
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from app.auth.caller import Caller, caller_from_header
from app.auth.revocation import Revocations
from app.auth.tokens import TokenIssuer
from app.core.errors import Unauthorized

STATE_KEY = "auth"


@dataclass(frozen=True, slots=True)
class Authentication:
    """The request's caller (None: no token was sent), or why the token sent was refused."""

    caller: Caller | None = None
    error: Unauthorized | None = None


ANONYMOUS = Authentication()


def authorization_of(scope: Scope) -> bytes | None:
    """The first Authorization header, as every part of the app reads it."""
    for key, value in scope["headers"]:
        if key == b"authorization":
            return bytes(value)
    return None


class AuthenticationMiddleware:
    def __init__(
        self, app: ASGIApp, *, tokens: TokenIssuer, revocations: Revocations, prefix: str
    ) -> None:
        self.app = app
        self.tokens = tokens
        self.revocations = revocations
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefix):
            header = authorization_of(scope)
            auth = ANONYMOUS if header is None else await self._authenticate(header)
            scope.setdefault("state", {})[STATE_KEY] = auth
        await self.app(scope, receive, send)

    async def _authenticate(self, header: bytes) -> Authentication:
        try:
            caller = await caller_from_header(
                self.tokens, self.revocations, header.decode("latin-1")
            )
        except Unauthorized as exc:
            return Authentication(error=exc)
        return Authentication(caller=caller)
