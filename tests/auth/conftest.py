"""Fixtures of the sign-in tests."""

from __future__ import annotations

import pytest

from app.core import hashing


@pytest.fixture
def production_hashing(monkeypatch: pytest.MonkeyPatch) -> hashing.PasswordHasher:
    """Passwords hashed with the production parameters for this test (ENV=test hashes with
    tiny ones)."""
    hasher = hashing.PasswordHasher(hashing.PRODUCTION, concurrency=2, wait_seconds=5.0)
    monkeypatch.setattr(hashing, "_current", hasher)
    return hasher
