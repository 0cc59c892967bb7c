"""Access tokens: short-lived HS256 JWTs checked without a database call.

The algorithm is pinned (a token naming any other, `none` included, is refused), every token
carries the `kid` of the key that signed it so keys rotate without signing anyone out, and
`iss`, `aud`, `exp`, `iat`, `jti`, `sub` and `typ` are required. `iat_us` is the issue time in
microseconds: revocation compares it with an account's "not before" (app/auth/revocation.py),
which whole-second `iat` cannot do for a token issued in the second of a revocation.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt

from app.core.config import Settings

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["iss", "aud", "exp", "iat", "jti", "sub", "typ"]
LEEWAY_SECONDS = 10


class InvalidToken(Exception):
    pass


_last_us = 0


def clock_us() -> int:
    """Microseconds since the epoch, strictly increasing within the process: a revocation and
    the tokens issued around it never share a stamp, so "issued before" is exact here."""
    global _last_us
    now = time.time_ns() // 1000
    _last_us = now if now > _last_us else _last_us + 1
    return _last_us


def issued_us(claims: dict[str, Any]) -> int:
    """When a token was issued; a token from before `iat_us` existed counts from the start of
    its second, so a revocation in that second still ends it."""
    value = claims.get("iat_us")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(claims["iat"]) * 1_000_000


@dataclass(frozen=True)
class KeyRing:
    keys: dict[str, bytes]
    active_kid: str

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyRing:
        if settings.jwt_keys:
            keys = {kid: s.get_secret_value().encode() for kid, s in settings.jwt_keys.items()}
            active = settings.jwt_active_kid or next(iter(keys))
            return cls(keys, active)
        # No ring configured: one key derived from SECRET_KEY, so a laptop needs nothing.
        derived = hmac.new(
            settings.secret_key.get_secret_value().encode(), b"jwt-access-v1", hashlib.sha256
        ).digest()
        return cls({"derived-1": derived}, "derived-1")


# Verified tokens, kept for their remaining lifetime: an app sends the same access token with
# every request for 15 minutes, and PyJWT's check of one costs more than a cached response.
# The result of checking a given string cannot change while the key ring stays the same.
_VERIFIED_MAX = 20_000


@dataclass(frozen=True)
class TokenIssuer:
    ring: KeyRing
    issuer: str
    audience: str
    ttl_seconds: int
    _verified: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenIssuer:
        return cls(
            KeyRing.from_settings(settings),
            settings.jwt_issuer,
            settings.jwt_audience,
            settings.access_token_minutes * 60,
        )

    def issue(
        self, subject: str, token_type: str, *, ttl_seconds: int | None = None, **claims: Any
    ) -> str:
        stamp = clock_us()
        now = stamp // 1_000_000
        payload = {
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "iat_us": stamp,
            "exp": now + (ttl_seconds or self.ttl_seconds),
            "jti": uuid.uuid4().hex,
            "sub": subject,
            "typ": token_type,
            **claims,
        }
        key = self.ring.keys[self.ring.active_kid]
        return jwt.encode(payload, key, algorithm=ALGORITHM, headers={"kid": self.ring.active_kid})

    def decode(self, token: str, *token_types: str) -> dict[str, Any]:
        claims = self._verified.get(token)
        if claims is None:
            claims = self._verify(token)
            if len(self._verified) >= _VERIFIED_MAX:
                self._verified.clear()
            self._verified[token] = claims
        elif claims["exp"] < time.time() - LEEWAY_SECONDS:
            del self._verified[token]
            raise InvalidToken("Signature has expired")
        if claims["typ"] not in token_types:
            raise InvalidToken("wrong token type")
        return claims

    def _verify(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("malformed token") from exc
        if header.get("alg") != ALGORITHM:
            raise InvalidToken("unexpected algorithm")
        key = self.ring.keys.get(str(header.get("kid")))
        if key is None:
            raise InvalidToken("unknown signing key")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": REQUIRED_CLAIMS},
                leeway=LEEWAY_SECONDS,
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        return claims
