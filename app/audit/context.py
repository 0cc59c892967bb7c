"""Who is writing: the staff request a unit of work belongs to.

A pure ASGI middleware marks requests to staff routes (`/api/v1/admin/...`, and
`/api/v1/classrooms...` for teachers) in a context variable; the session hook in
app/audit/service.py reads it when the request's session begins its transaction, and hands
the actor to the database's audit trigger. The caller is read from the
request's own access token, which the route's dependency has already verified (decoding hits
the token issuer's memory): no router of any module has to pass anything along.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from app.accounts.models import Role
from app.auth.tokens import InvalidToken
from app.core.logging import request_id_var

STAFF_PREFIXES = ("/api/v1/admin/", "/api/v1/classrooms")
STAFF_ROLES = frozenset({Role.teacher, Role.editor, Role.admin})


@dataclass(frozen=True)
class Actor:
    account_id: uuid.UUID
    role: str


_UNKNOWN = object()


@dataclass
class StaffRequest:
    scope: Scope
    request_id: str | None
    _actor: Any = field(default=_UNKNOWN)

    @property
    def route(self) -> str:
        path: str = self.scope.get("path", "")
        template = getattr(self.scope.get("route"), "path_format", None)
        if isinstance(template, str):
            # The route's template may be relative to the prefix it is mounted under.
            head = template.split("{", 1)[0]
            at = path.find(head) if head else -1
            path = path[:at] + template if at >= 0 else template
        return f"{self.scope.get('method', '')} {path}"[:300]

    def actor(self) -> Actor | None:
        """The staff member behind the request; None for anyone else (a parent joining a
        classroom) or a token the route will refuse anyway."""
        if self._actor is _UNKNOWN:
            self._actor = _actor_of(self.scope)
        actor: Actor | None = self._actor
        return actor


def _actor_of(scope: Scope) -> Actor | None:
    authorization = None
    for key, value in scope.get("headers", ()):
        if key == b"authorization":
            authorization = value.decode("latin-1")
            break
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    try:
        claims = scope["app"].state.runtime.tokens.decode(token.strip(), "access")
        role = Role(claims["role"])
        account_id = uuid.UUID(claims["sub"])
    except (InvalidToken, KeyError, ValueError, TypeError, AttributeError):
        return None
    return Actor(account_id, role.value) if role in STAFF_ROLES else None


staff_request_var: ContextVar[StaffRequest | None] = ContextVar("staff_request", default=None)


def is_staff_path(path: str) -> bool:
    return path.startswith(STAFF_PREFIXES)


class AuditContextMiddleware:
    """Marks staff requests; every other request passes with one prefix check."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_staff_path(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        token = staff_request_var.set(StaffRequest(scope, request_id_var.get()))
        try:
            await self.app(scope, receive, send)
        finally:
            staff_request_var.reset(token)
