"""Abuse limits of the sign-in routes, per client address, per account (email), and per pair.

Password guesses (sign-in, the password change, the proof before deleting an account) follow
NIST SP 800-63B-4 section 3.2.2: they slow a guesser down instead of locking the owner out.
Failures are counted per (account, address) pair, with waits that grow as they add up, so
someone failing on purpose from elsewhere never makes the owner's own attempts wait. A looser
ceiling of failures per account stops guessing spread over many addresses; it does not apply
to an address the account signed in from lately, and an emailed code signs in whatever it
says. Every attempt is counted before the password is checked, so parallel guesses cannot
slip past the count; an attempt that succeeds (or never reached the check) is given back.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Request

from app.core.errors import AppError
from app.core.ratelimit import Limit, RateLimiter, client_ip

LOGIN_PER_IP = Limit(times=20, seconds=60)
# Failed password guesses of one account from one address: 5 a minute, 10 in 15 minutes,
# 20 an hour. The wait grows from under a minute to under an hour, for that pair only.
PASSWORD_PER_PAIR = (
    Limit(times=5, seconds=60),
    Limit(times=10, seconds=15 * 60),
    Limit(times=20, seconds=60 * 60),
)
# Failed guesses of one account from addresses it has not signed in from lately.
PASSWORD_PER_ACCOUNT = (Limit(times=100, seconds=24 * 60 * 60),)
# How long an address the account signed in from stays exempt from that ceiling.
KNOWN_ADDRESS_SECONDS = 30 * 24 * 60 * 60
# The codes of the answers that mean "wrong password"; any other outcome gives the attempt
# back (a success, a disabled account, no slot to hash in).
WRONG_PASSWORD_CODES = frozenset(
    {"invalid_credentials", "wrong_password", "reauthentication_failed"}
)

CODE_CHECK_PER_IP = Limit(times=20, seconds=60)
CODE_CHECK_PER_ACCOUNT = Limit(times=10, seconds=15 * 60)
SEND_PER_IP = Limit(times=10, seconds=60)
SEND_PER_ACCOUNT = Limit(times=10, seconds=60 * 60)
REFRESH_PER_IP = Limit(times=60, seconds=60)
GOOGLE_PER_IP = Limit(times=30, seconds=60)


def account_key(email: str) -> str:
    # Hashed: the shared cache (Redis) never holds email addresses.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _pair_key(email: str, ip: str) -> str:
    return hashlib.sha256(f"{account_key(email)}:{ip}".encode()).hexdigest()[:32]


def _limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.runtime.rate_limiter
    return limiter


async def limit(
    request: Request,
    scope: str,
    per_ip: Limit,
    email: str | None = None,
    per_account: Limit | None = None,
) -> None:
    limiter = _limiter(request)
    await limiter.hit(f"{scope}:ip", client_ip(request), per_ip)
    if email is not None and per_account is not None:
        await limiter.hit(f"{scope}:account", account_key(email), per_account)


async def signed_in(request: Request, email: str) -> None:
    """Notes the address the account just signed in from (exempt from the account ceiling)."""
    pair = _pair_key(email, client_ip(request))
    await _limiter(request).remember("password:known", pair, KNOWN_ADDRESS_SECONDS)


@asynccontextmanager
async def password_guess(request: Request, email: str) -> AsyncIterator[None]:
    """Guards one check of the password of `email`'s account (run inside the block): counts
    it first, answers 429 with Retry-After when the pair's or the account's failures are used
    up, and gives it back unless the block ended with a wrong password."""
    limiter = _limiter(request)
    ip = client_ip(request)
    await limiter.hit("login:ip", ip, LOGIN_PER_IP)
    pair = _pair_key(email, ip)
    attempts = [await limiter.take("password:pair", pair, PASSWORD_PER_PAIR)]
    try:
        if not await limiter.remembers("password:known", pair):
            ceiling = await limiter.take(
                "password:account", account_key(email), PASSWORD_PER_ACCOUNT
            )
            attempts.append(ceiling)
    except BaseException:
        await limiter.give_back(attempts[0])
        raise
    try:
        yield
    except AppError as exc:
        if exc.code not in WRONG_PASSWORD_CODES:
            for attempt in attempts:
                await limiter.give_back(attempt)
        raise
    except BaseException:
        for attempt in attempts:
            await limiter.give_back(attempt)
        raise
    for attempt in attempts:
        await limiter.give_back(attempt)
