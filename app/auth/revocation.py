"""Immediate revocation of access and explorer tokens, on every instance.

An account's `tokens_not_before` ends every token of the account issued at or before it
(disabled, demoted, signed out everywhere, new password); `explorer_tokens_not_before` ends
its explorer tokens only (a PIN change). A deleted account or profile ends every token bound
to it. Tokens are compared by their `iat_us` (app/auth/tokens.py).

The database is the source of truth and the shared cache holds a copy, so that a request
with a token costs one cache read and no database read while the copy is there:

- a miss reads the database once and fills the cache with SET NX, so a fill racing with a
  revocation never puts the old value back over the new one;
- a revocation overwrites the copy once its transaction has committed (a rolled-back one
  changes nothing), through the database's after-commit hook.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cashews import Cache
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import queries
from app.core.cache import hot_get
from app.core.coherence import Coherence
from app.core.db import Database

# Copies expire so that memory stays bounded; any miss is answered from the database. A
# revocation committed while Redis was unreachable could not overwrite the copy; an older copy
# left in Redis lives at most this long after Redis returns. A minute keeps that window small
# and costs one database read per signed-in account and minute, shared by every instance.
CACHE_TTL_SECONDS = 60
GONE = "-"  # the account or profile no longer exists
LIVE = "+"  # the profile exists
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_PENDING = "token_revocations"


def to_datetime(stamp_us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=stamp_us)


def to_us(moment: datetime | None) -> int:
    return 0 if moment is None else (moment - _EPOCH) // timedelta(microseconds=1)


def _account_key(account_id: uuid.UUID) -> str:
    return f"nbf:a:{account_id}"


def _profile_key(profile_id: uuid.UUID) -> str:
    return f"nbf:p:{profile_id}"


def _account_value(row: Any) -> str:
    if row is None:
        return GONE
    return f"{to_us(row[0])}:{to_us(row[1])}"


def _later(session: AsyncSession, key: str, value: str) -> None:
    session.info.setdefault(_PENDING, {})[key] = value


def _stricter(copy: Any, known: str | None) -> Any:
    """Of a cached stamp and one this instance learned from the database (a revocation
    another instance could not write to Redis), the one that refuses more: stamps only move
    forwards, and a deletion is for good."""
    if known is None or copy is None or copy == GONE:
        return copy
    if known in (GONE, LIVE) or copy == LIVE:
        return known if known == GONE else copy
    ours, theirs = (str(v).split(":") for v in (copy, known))
    return ":".join(str(max(int(a), int(b))) for a, b in zip(ours, theirs, strict=True))


@dataclass(frozen=True)
class Revocations:
    cache: Cache
    db: Database
    coherence: Coherence

    async def is_revoked(
        self, account_id: uuid.UUID, profile_id: uuid.UUID | None, issued_us: int
    ) -> bool:
        # A parent's token (every hot read that sends one): one plain get, the cheapest call
        # of the cache; an explorer's: both stamps in one round trip.
        coherence = self.coherence
        if profile_id is None:
            keys = [_account_key(account_id)]
            values = [await hot_get(self.cache, keys[0]) if coherence.fresh else None]
        else:
            keys = [_account_key(account_id), _profile_key(profile_id)]
            values = list(await self.cache.get_many(*keys)) if coherence.fresh else [None, None]
        if any(value is None for value in values):
            # Not cached, or this instance cannot tell whether a copy is stale: the database.
            values = await self._fill(keys, values, account_id, profile_id)
        elif coherence.overlay:
            values = [
                _stricter(v, coherence.stricter(k)) for k, v in zip(keys, values, strict=True)
            ]
        account = str(values[0])
        if account == GONE:
            return True
        everything, explorer = (int(part) for part in account.split(":"))
        if issued_us <= everything:
            return True
        if profile_id is None:
            return False
        return issued_us <= explorer or values[1] == GONE

    async def _fill(
        self,
        keys: list[str],
        values: list[Any],
        account_id: uuid.UUID,
        profile_id: uuid.UUID | None,
    ) -> list[Any]:
        async with self.db.raw_connection() as conn:
            if values[0] is None:
                row = await queries.account_not_before(conn, account_id)
                values[0] = _account_value(row)
            if profile_id is not None and values[1] is None:
                owner = await queries.profile_owner(conn, profile_id)
                values[1] = LIVE if owner == account_id else GONE
        for key, value in zip(keys, values, strict=True):
            await self.cache.set(key, value, expire=CACHE_TTL_SECONDS, exist=False)
        return values

    async def publish(self, session: AsyncSession) -> None:
        """After a commit: the cache learns what the transaction revoked. When Redis cannot
        be told, every instance learns it from the database before this request answers
        (app/core/coherence.py)."""
        pending: dict[str, str] = session.info.pop(_PENDING, {})
        untold = {
            key: value
            for key, value in pending.items()
            if not await self.cache.set(key, value, expire=CACHE_TTL_SECONDS)
        }
        if untold:
            await self.coherence.revoked(untold)


async def end_tokens(
    session: AsyncSession, account_id: uuid.UUID, stamp_us: int, *, explorers_only: bool = False
) -> None:
    """Every token of the account issued at or before `stamp_us` stops working once the
    transaction commits (explorer tokens only, if asked)."""
    row = await queries.raise_not_before(
        session, account_id, to_datetime(stamp_us), explorers_only=explorers_only
    )
    if row is not None:
        _later(session, _account_key(account_id), _account_value(row))


def account_deleted(session: AsyncSession, account_id: uuid.UUID) -> None:
    _later(session, _account_key(account_id), GONE)


def profile_deleted(session: AsyncSession, profile_id: uuid.UUID) -> None:
    _later(session, _profile_key(profile_id), GONE)
