"""The demo family's reads: the demo catalogue's items and quizzes by title."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog.schemas import Kind

ITEMS = {kind: sa.text(f"SELECT id, title FROM {kind.value}") for kind in Kind}  # noqa: S608
QUIZ_BY_TITLE = sa.text("SELECT id FROM quiz WHERE title = :title ORDER BY created_at LIMIT 1")


async def items_by_title(session: AsyncSession) -> dict[tuple[Kind, str], uuid.UUID]:
    found: dict[tuple[Kind, str], uuid.UUID] = {}
    for kind, statement in ITEMS.items():
        for row in (await session.execute(statement)).mappings():
            found[(kind, row["title"])] = row["id"]
    return found


async def quiz_by_title(session: AsyncSession, title: str) -> uuid.UUID | None:
    quiz: uuid.UUID | None = await session.scalar(QUIZ_BY_TITLE, {"title": title})
    return quiz
