"""The caller of a request, from its access token.

Tokens are checked without a database call (signature, claims, type), then against their
account's "not before" in the shared cache (app/auth/revocation.py): a token issued before a
revocation is refused at once, on every instance. Two kinds reach the API: a grown-up's
access token, and an explorer (kid-mode) token bound to one profile.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from app.accounts.models import Role
from app.auth.revocation import Revocations
from app.auth.tokens import InvalidToken, TokenIssuer, issued_us
from app.core.errors import Unauthorized

ACCESS = "access"
EXPLORER = "explorer"


@dataclass(frozen=True, slots=True)
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


def invalid_token() -> Unauthorized:
    return Unauthorized("The access token is not valid.", code="invalid_token")


def _access_claims(tokens: TokenIssuer, token: str) -> dict[str, Any]:
    try:
        return tokens.decode(token, ACCESS, EXPLORER)
    except InvalidToken as exc:
        raise invalid_token() from exc


def _caller(claims: dict[str, Any]) -> Caller:
    try:
        account_id = uuid.UUID(claims["sub"])
        issued = issued_us(claims)
        if claims["typ"] == EXPLORER:
            profile_id = uuid.UUID(claims["profile"])
            return Caller(account_id, Role.parent, claims["jti"], profile_id, issued)
        return Caller(account_id, Role(claims["role"]), claims["jti"], issued_us=issued)
    except (KeyError, ValueError, TypeError) as exc:
        raise invalid_token() from exc


async def caller_from_token(tokens: TokenIssuer, revocations: Revocations, token: str) -> Caller:
    # The verified claims may come from the issuer's memory: the revocation check may not.
    caller = _caller(_access_claims(tokens, token))
    if await revocations.is_revoked(caller.account_id, caller.profile_id, caller.issued_us):
        raise Unauthorized("This sign-in has ended; sign in again.", code="invalid_token")
    return caller


async def caller_from_header(
    tokens: TokenIssuer, revocations: Revocations, authorization: str
) -> Caller:
    """The caller of an `Authorization` header's bearer token, or the 401 it deserves."""
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise invalid_token()
    return await caller_from_token(tokens, revocations, token)
