"""Fixtures of the sign-in tests."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest

from app.core import hashing, ratelimit

# The start of an hour, so that no window of the limits ends while a test runs.
FROZEN = 1_900_000_000 - 1_900_000_000 % 3600


@pytest.fixture
def production_hashing(monkeypatch: pytest.MonkeyPatch) -> hashing.PasswordHasher:
    """Passwords hashed with the production parameters for this test (ENV=test hashes with
    tiny ones)."""
    hasher = hashing.PasswordHasher(hashing.PRODUCTION, concurrency=2, wait_seconds=5.0)
    monkeypatch.setattr(hashing, "_current", hasher)
    return hasher


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """The rate limiter's clock (its own, not the process's), at FROZEN plus what the test
    moves it on by."""
    now = [float(FROZEN)]
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now[0]))

    def move(seconds: float) -> None:
        now[0] += seconds

    return move
