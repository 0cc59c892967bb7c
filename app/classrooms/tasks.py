"""Background work of classrooms: telling the explorers about a new assignment."""

from __future__ import annotations

import uuid

from app.classrooms import assignments
from app.notifications import service as notifications_service
from app.notifications.models import Category
from app.outbox.registry import TaskContext


async def assignment_created(ctx: TaskContext) -> None:
    """One notification per explorer enrolled when it runs; a retry sends nothing twice
    (each inbox keeps one notification per dedup key)."""
    found = await assignments.recipients(ctx.session, uuid.UUID(ctx.payload["assignment_id"]))
    if found is None:  # deleted, or its classroom archived, before this ran
        return
    assignment, room, profiles = found
    for profile in profiles:
        await notifications_service.notify(
            ctx.session,
            account_id=profile.account_id,
            profile_id=profile.id,
            category=Category.classroom,
            title=f"New from {room.name}: {assignment.title}",
            body=f"Due {assignment.due_date.strftime('%A %d %B')}.",
            link=f"wonderspaced://assignments/{assignment.id}",
            dedup_key=f"assignment:{assignment.id}",
        )
