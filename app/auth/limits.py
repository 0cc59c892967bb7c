"""Abuse limits of the sign-in routes, per client IP and per account (email)."""

from __future__ import annotations

import hashlib

from fastapi import Request

from app.core.ratelimit import Limit, RateLimiter, client_ip

LOGIN_PER_IP = Limit(times=20, seconds=60)
LOGIN_PER_ACCOUNT = Limit(times=10, seconds=15 * 60)
CODE_CHECK_PER_IP = Limit(times=20, seconds=60)
CODE_CHECK_PER_ACCOUNT = Limit(times=10, seconds=15 * 60)
SEND_PER_IP = Limit(times=10, seconds=60)
SEND_PER_ACCOUNT = Limit(times=10, seconds=60 * 60)
REFRESH_PER_IP = Limit(times=60, seconds=60)
GOOGLE_PER_IP = Limit(times=30, seconds=60)


def account_key(email: str) -> str:
    # Hashed: the shared cache (Redis) never holds email addresses.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


async def limit(
    request: Request,
    scope: str,
    per_ip: Limit,
    email: str | None = None,
    per_account: Limit | None = None,
) -> None:
    limiter: RateLimiter = request.app.state.runtime.rate_limiter
    await limiter.hit(f"{scope}:ip", client_ip(request), per_ip)
    if email is not None and per_account is not None:
        await limiter.hit(f"{scope}:account", account_key(email), per_account)
