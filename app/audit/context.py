"""Who is writing: the staff request a unit of work belongs to.

A pure ASGI middleware marks requests to staff routes (`/api/v1/admin/...`, and
`/api/v1/classrooms...` for teachers) in a context variable; the session hook in
app/audit/service.py reads it when the request's session begins its transaction, and hands
the actor to the database's audit trigger. The caller is the one the authentication
middleware established for the request (app/auth/middleware.py): no router of any module has
to pass anything along.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from app.accounts.models import Role
from app.auth.middleware import STATE_KEY as AUTH_STATE
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
    # The caller the authentication middleware established for this request: no second
    # reading of the token here.
    auth = scope.get("state", {}).get(AUTH_STATE)
    caller = getattr(auth, "caller", None)
    if caller is None or caller.is_explorer or caller.role not in STAFF_ROLES:
        return None
    return Actor(caller.account_id, caller.role.value)


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
