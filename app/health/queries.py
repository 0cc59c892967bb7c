"""The one statement readiness runs."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

_PING = sa.text("SELECT 1")


async def ping(conn: AsyncConnection) -> None:
    """A round trip on the connection: the database answers statements."""
    await conn.execute(_PING)
