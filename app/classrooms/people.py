"""The people a classroom shows: teachers by their display name, explorers by nickname,
avatar and age band (never more)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import service as accounts_service
from app.classrooms import queries
from app.classrooms.schemas import ClassroomCard
from app.profiles.models import Profile


async def display_name(session: AsyncSession, account_id: uuid.UUID | None) -> str | None:
    if account_id is None:
        return None
    account = await accounts_service.get(session, account_id)
    return account.display_name if account else None


async def card(session: AsyncSession, room: Any) -> ClassroomCard:
    """What a parent sees of a classroom: a `Classroom` or a row with its columns."""
    return ClassroomCard(
        id=room.id,
        name=room.name,
        grade=room.grade,
        age_band=room.age_band,
        teacher_display_name=await display_name(session, room.owner_id),
    )


def avatar_url(classroom_id: uuid.UUID, profile_id: uuid.UUID) -> str:
    return f"/api/v1/classrooms/{classroom_id}/members/{profile_id}/avatar.svg"


async def profiles(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Profile]:
    if not ids:
        return {}
    return {p.id: p for p in await queries.profiles(session, ids)}
