"""The library's own statement: who the explorer is. Everything else it shows is read
through the modules it composes (progress, catalogue, quizzes)."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

_EXPLORER = "SELECT id, account_id, age_band FROM profile WHERE id = $1"


async def explorer(conn: asyncpg.Connection[Any], profile_id: uuid.UUID) -> asyncpg.Record | None:
    """The profile's id, account_id and age_band; None when there is no such profile.

    Raw asyncpg on the request's connection: "My adventures" is a hot read (bench/README.md:
    library screen 0.82 of the floor, target 0.50), and loading the profile through the ORM
    measured as a fifth of a heartbeat's time."""
    row: asyncpg.Record | None = await conn.fetchrow(_EXPLORER, profile_id)
    return row
