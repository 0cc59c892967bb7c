"""Who is calling: the one dependency per scope that every router uses.

Tokens are checked without a database call (signature, claims, type), then against their
account's "not before" in the shared cache (app/auth/revocation.py), on every request: a
token issued before a revocation is refused at once, on every instance. Two kinds reach the
API: a grown-up's access token, and an explorer (kid-mode) token bound to one profile.
Parent-zone routes answer 403 to an explorer token; profile-scoped routes (in the profiles
module) let an explorer reach only its own profile.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from app.accounts.models import Role
from app.auth.revocation import Revocations
from app.auth.tokens import InvalidToken, TokenIssuer, issued_us
from app.core.errors import Forbidden, Unauthorized
from app.deps import runtime_of

ACCESS = "access"
EXPLORER = "explorer"

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)

_QUERY_TOKEN_NAMES = ("access_token", "token", "jwt", "auth")


@dataclass(frozen=True)
class Caller:
    """A verified token: a grown-up (`profile_id` None) or an explorer of one profile.
    `issued_us` is the token's issue time: what outlives the request (a stream, a stream
    ticket) is checked against revocations from then, not from when it started."""

    account_id: uuid.UUID
    role: Role
    token_id: str
    profile_id: uuid.UUID | None = None
    issued_us: int = 0

    @property
    def is_explorer(self) -> bool:
        return self.profile_id is not None


# The parent zone only ever sees grown-ups' tokens.
Principal = Caller


def _invalid_token() -> Unauthorized:
    return Unauthorized("The access token is not valid.", code="invalid_token")


def _access_claims(tokens: TokenIssuer, token: str) -> dict[str, Any]:
    try:
        return tokens.decode(token, ACCESS, EXPLORER)
    except InvalidToken as exc:
        raise _invalid_token() from exc


def _caller(claims: dict[str, Any]) -> Caller:
    try:
        account_id = uuid.UUID(claims["sub"])
        issued = issued_us(claims)
        if claims["typ"] == EXPLORER:
            profile_id = uuid.UUID(claims["profile"])
            return Caller(account_id, Role.parent, claims["jti"], profile_id, issued)
        return Caller(account_id, Role(claims["role"]), claims["jti"], issued_us=issued)
    except (KeyError, ValueError, TypeError) as exc:
        raise _invalid_token() from exc


async def caller_from_token(tokens: TokenIssuer, revocations: Revocations, token: str) -> Caller:
    # The verified claims may come from the issuer's memory: the revocation check may not.
    claims = _access_claims(tokens, token)
    caller = _caller(claims)
    if await revocations.is_revoked(caller.account_id, caller.profile_id, caller.issued_us):
        raise Unauthorized("This sign-in has ended; sign in again.", code="invalid_token")
    return caller


async def get_caller(
    request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Caller:
    if any(name in request.query_params for name in _QUERY_TOKEN_NAMES):
        # URLs end up in logs, histories and Referer headers.
        raise Unauthorized(
            "Send the token in the Authorization header, never in the URL.", code="token_in_url"
        )
    if not token:
        raise Unauthorized("Sign in to use this.", code="not_authenticated")
    runtime = runtime_of(request)
    return await caller_from_token(runtime.tokens, runtime.revocations, token)


async def check_authorization(
    tokens: TokenIssuer, revocations: Revocations, authorization: str | None
) -> None:
    """For public reads, before routing: no Authorization header is fine, one that does not
    hold a valid, unrevoked bearer access token is a 401."""
    if not authorization:
        return
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise _invalid_token()
    await caller_from_token(tokens, revocations, token)


async def get_optional_caller(
    request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Caller | None:
    """For public routes that personalise when signed in."""
    if token is None:
        return None
    return await get_caller(request, token)


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
