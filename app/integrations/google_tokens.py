"""Verification of Google-signed ID tokens (Cloud Tasks OIDC calls, Google sign-in).

google-auth checks signature, expiry and audience; Google's public certificates are fetched
with httpx and kept for as long as their Cache-Control allows, so a verification normally
costs no network call.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Mapping, Sequence
from typing import Any

import httpx
from google.auth import exceptions as google_auth_exceptions
from google.auth import jwt as google_jwt

from app.core.errors import DependencyUnavailable

GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
GOOGLE_ISSUERS = ("https://accounts.google.com", "accounts.google.com")

_MAX_AGE = re.compile(r"max-age=(\d+)")
_RETRY_SECONDS = 60

logger = logging.getLogger(__name__)


class InvalidGoogleToken(Exception):
    pass


class GoogleUnavailable(DependencyUnavailable):
    def __init__(self) -> None:
        super().__init__("Google's sign-in service", "google_unavailable")


class GoogleTokenVerifier:
    def __init__(
        self,
        certs_url: str = GOOGLE_CERTS_URL,
        *,
        http: httpx.AsyncClient | None = None,
        issuers: Sequence[str] = GOOGLE_ISSUERS,
        clock_skew_seconds: int = 30,
    ) -> None:
        self.certs_url = certs_url
        self.http = http or httpx.AsyncClient(timeout=5.0)
        self.issuers = tuple(issuers)
        self.clock_skew_seconds = clock_skew_seconds
        self._certs: Mapping[str, str] = {}
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    async def _get_certs(self) -> Mapping[str, str]:
        if time.monotonic() < self._expires_at:
            return self._certs
        async with self._lock:
            if time.monotonic() < self._expires_at:
                return self._certs
            try:
                response = await self.http.get(self.certs_url)
                response.raise_for_status()
                certs = response.json()
            except (httpx.HTTPError, ValueError) as exc:
                # Google being unreachable says nothing about the token: a 503, not a 401.
                # Keys fetched before are still Google's keys; use them and try again soon.
                if not self._certs:
                    raise GoogleUnavailable() from exc
                logger.warning("Google's certificates unavailable; using the ones fetched before")
                self._expires_at = time.monotonic() + _RETRY_SECONDS
                return self._certs
            match = _MAX_AGE.search(response.headers.get("cache-control", ""))
            self._certs = certs
            self._expires_at = time.monotonic() + (int(match.group(1)) if match else 300)
            return self._certs

    async def verify(self, token: str, audience: str | Sequence[str]) -> Mapping[str, Any]:
        certs = await self._get_certs()
        try:
            claims: Mapping[str, Any] = google_jwt.decode(  # type: ignore[no-untyped-call]
                token,
                certs=dict(certs),
                audience=list(audience) if not isinstance(audience, str) else audience,
                clock_skew_in_seconds=self.clock_skew_seconds,
            )
        except (google_auth_exceptions.GoogleAuthError, ValueError) as exc:
            raise InvalidGoogleToken(str(exc)) from exc
        if claims.get("iss") not in self.issuers:
            raise InvalidGoogleToken("wrong issuer")
        return claims

    async def aclose(self) -> None:
        await self.http.aclose()
