"""Who is calling: the one dependency per scope that every router uses.

Access tokens are checked without a database call (signature, claims, type); roles come from
the token, so a role change takes effect at the next refresh (sessions of demoted or disabled
accounts are revoked at once).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from app.accounts.models import Role
from app.auth.tokens import InvalidToken
from app.core.errors import Forbidden, Unauthorized
from app.deps import get_runtime

ACCESS = "access"

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)

_QUERY_TOKEN_NAMES = ("access_token", "token", "jwt", "auth")


@dataclass(frozen=True)
class Principal:
    account_id: uuid.UUID
    role: Role
    token_id: str


async def get_principal(
    request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Principal:
    if any(name in request.query_params for name in _QUERY_TOKEN_NAMES):
        # URLs end up in logs, histories and Referer headers.
        raise Unauthorized(
            "Send the token in the Authorization header, never in the URL.", code="token_in_url"
        )
    if not token:
        raise Unauthorized("Sign in to use this.", code="not_authenticated")
    try:
        claims = get_runtime(request).tokens.decode(token, ACCESS)
        return Principal(uuid.UUID(claims["sub"]), Role(claims["role"]), claims["jti"])
    except (InvalidToken, KeyError, ValueError) as exc:
        raise Unauthorized("The access token is not valid.", code="invalid_token") from exc


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    allowed = frozenset(roles)

    async def dependency(principal: CurrentPrincipal) -> Principal:
        if principal.role not in allowed:
            raise Forbidden("Your account may not do this.", code="role_required")
        return principal

    return dependency


AdminPrincipal = Annotated[Principal, Depends(require_roles(Role.admin))]
EditorPrincipal = Annotated[Principal, Depends(require_roles(Role.editor, Role.admin))]
