"""Who is calling: the one dependency per scope that every router uses.

The token was checked once, before routing, by app/auth/middleware.py; these read the outcome
from the request's state and apply the scope. Parent-zone routes answer 403 to an explorer
token; profile-scoped routes (app/profiles/scope.py) let an explorer reach only its own
profile. Which routes need a token, and which take one optionally, is read from these
dependencies by the OpenAPI contract (app/core/contract.py), so the document says it too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from app.accounts.models import Role
from app.auth.caller import EXPLORER, Caller, caller_from_token, invalid_token
from app.auth.middleware import ANONYMOUS, STATE_KEY, Authentication
from app.auth.revocation import Revocations
from app.auth.tokens import TokenIssuer
from app.core.contract import reads_caller
from app.core.errors import Forbidden, Unauthorized

__all__ = [
    "EXPLORER",
    "AdminPrincipal",
    "Caller",
    "CallerDep",
    "CurrentPrincipal",
    "EditorPrincipal",
    "OptionalCaller",
    "Principal",
    "RevocationsDep",
    "TokensDep",
    "caller_from_token",
    "get_caller",
    "get_optional_caller",
    "invalid_token",
    "require_roles",
]

# The parent zone only ever sees grown-ups' tokens.
Principal = Caller


def _authentication(request: Request) -> Authentication:
    auth: Authentication = request.scope.get("state", {}).get(STATE_KEY, ANONYMOUS)
    return auth


@reads_caller(required=True)
async def get_caller(request: Request) -> Caller:
    auth = _authentication(request)
    if auth.error is not None:
        raise auth.error
    if auth.caller is None:
        raise Unauthorized("Sign in to use this.", code="not_authenticated")
    return auth.caller


@reads_caller(required=False)
async def get_optional_caller(request: Request) -> Caller | None:
    """For public routes: no token is fine, a bad one is the same 401 as anywhere."""
    auth = _authentication(request)
    if auth.error is not None:
        raise auth.error
    return auth.caller


async def get_principal(caller: Annotated[Caller, Depends(get_caller)]) -> Principal:
    if caller.is_explorer:
        raise Forbidden("Ask a grown-up: this is for parents.", code="parents_only")
    return caller


CallerDep = Annotated[Caller, Depends(get_caller)]
OptionalCaller = Annotated[Caller | None, Depends(get_optional_caller)]
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


async def get_tokens(request: Request) -> TokenIssuer:
    tokens: TokenIssuer = request.app.state.runtime.tokens
    return tokens


async def get_revocations(request: Request) -> Revocations:
    revocations: Revocations = request.app.state.runtime.revocations
    return revocations


# The instance's token issuer and revocation stamps, for the routes that sign in and out.
TokensDep = Annotated[TokenIssuer, Depends(get_tokens)]
RevocationsDep = Annotated[Revocations, Depends(get_revocations)]
