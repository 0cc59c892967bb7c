"""Credentials: password hashing (argon2id through pwdlib, at no less than OWASP's recommended
parameters), and the one rule for an email address that signs in."""

from __future__ import annotations

import asyncio
from typing import Annotated

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pydantic import EmailStr, Field

# Sign-in bodies and FIRST_ADMIN_EMAIL use this one rule (email-validator, no DNS lookup;
# special-use domains such as .test or .local are refused), so an address accepted at start-up
# can always sign in.
EmailAddress = Annotated[EmailStr, Field(max_length=254)]

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1 as the minimum.
ARGON2_MEMORY_KIB = 19_456
ARGON2_TIME_COST = 2
ARGON2_PARALLELISM = 1

password_hash = PasswordHash(
    (
        Argon2Hasher(
            memory_cost=ARGON2_MEMORY_KIB,
            time_cost=ARGON2_TIME_COST,
            parallelism=ARGON2_PARALLELISM,
        ),
    )
)

# Verified against when an email is unknown, so a miss costs the same time as a hit.
DUMMY_HASH = password_hash.hash("wonderspaced-timing-equaliser")


async def hash_password(password: str) -> str:
    # argon2 takes tens of milliseconds of CPU: off the event loop.
    return await asyncio.to_thread(password_hash.hash, password)


async def verify_password(password: str, hashed: str | None) -> tuple[bool, str | None]:
    """(matches, upgraded hash or None). A None hash still spends the time of a check."""
    if hashed is None:
        await asyncio.to_thread(password_hash.verify, password, DUMMY_HASH)
        return False, None
    return await asyncio.to_thread(password_hash.verify_and_update, password, hashed)
