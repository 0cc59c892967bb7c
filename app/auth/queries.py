"""Statements of the token check, run as raw asyncpg on the read pool: they run on a cache
miss before any request session exists, and on public reads that have no session at all."""

from __future__ import annotations

ACCOUNT_NOT_BEFORE = (
    "SELECT tokens_not_before, explorer_tokens_not_before FROM account WHERE id = $1"
)
# The profiles table is read here, not through the profiles service: that module builds on
# this one (the caller), and this check must stay one cheap statement.
PROFILE_OWNER = "SELECT account_id FROM profile WHERE id = $1"
