"""The classrooms part of a family's export: their children's memberships, and the
classrooms the account teaches."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.classrooms import queries
from app.classrooms.models import Classroom
from app.classrooms.people import display_name
from app.profiles import service as profiles_service


async def export_classrooms(session: AsyncSession, account_id: uuid.UUID) -> dict[str, Any]:
    """The family's children's memberships, and the classrooms this account teaches."""
    profile_ids = [p.id for p in await profiles_service.list_for(session, account_id)]
    memberships = [
        {
            "profile_id": str(row.profile_id),
            "classroom_id": str(row.id),
            "classroom_name": row.name,
            "teacher_display_name": await display_name(session, row.owner_id),
            "joined_at": row.joined_at.isoformat(),
            "archived": row.archived_at is not None,
        }
        for row in (await queries.all_memberships(session, profile_ids) if profile_ids else [])
    ]
    teaching = []
    for room in await queries.taught_by(session, account_id, False, None, 1000):
        teaching.append(await _teaching_export(session, room, account_id))
    for room in await queries.taught_by(session, account_id, True, None, 1000):
        teaching.append(await _teaching_export(session, room, account_id))
    return {"memberships": memberships, "teaching": teaching}


async def _teaching_export(
    session: AsyncSession, room: Classroom, account_id: uuid.UUID
) -> dict[str, Any]:
    rows = await queries.all_assignments(session, room.id)
    items = await queries.items_of(session, [a.id for a in rows])
    return {
        "classroom_id": str(room.id),
        "name": room.name,
        "grade": room.grade,
        "age_band": room.age_band,
        "time_zone": room.time_zone,
        "archived": room.archived_at is not None,
        "created_at": room.created_at.isoformat(),
        # This teacher's own choice for the classroom.
        "help_needed_alerts": not await queries.alerts_off(session, room.id, account_id),
        "assignments": [
            {
                "id": str(a.id),
                "title": a.title,
                "note": a.note,
                "start_date": a.start_date.isoformat() if a.start_date else None,
                "due_date": a.due_date.isoformat(),
                "closed": a.closed_at is not None,
                "items": [{"kind": k, "item_id": str(i)} for k, i in items[a.id]],
            }
            for a in rows
        ],
    }
