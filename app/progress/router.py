"""`/profiles/{profile_id}/progress`, `/saved/{kind}/{item_id}` and `/activity`: heartbeats
and resume states for the explorer of that profile or its parent; activity for the parent."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel

from app.catalog.schemas import Kind
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.pagination import PageParamsDep
from app.profiles.scope import ParentProfileDep, ProfileDep
from app.progress import service as progress_service
from app.progress.clock import ClockDep
from app.progress.schemas import (
    Activity,
    DiyBeat,
    EbookBeat,
    ProgressOut,
    ProgressPage,
    ProgressStatus,
    VideoBeat,
)

router = APIRouter(prefix="/profiles/{profile_id}", tags=["progress"])

SCOPED = problem_responses(401, 403, 404, 422)


class SavedOut(BaseModel):
    kind: Kind
    item_id: uuid.UUID
    saved_at: datetime


def _heartbeat(kind: Kind, summary: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    # One route per kind, so each body is checked (and documented) as exactly its kind's.
    return router.put(
        f"/progress/{kind.value}/{{item_id}}",
        response_model=ProgressOut,
        responses=SCOPED,
        summary=f"Heartbeat of {summary}: merge what was done, answer the resume state",
        name=f"progress_{kind.value}",
    )


@_heartbeat(Kind.video, "a video")
async def video_heartbeat(
    item_id: uuid.UUID, beat: VideoBeat, profile: ProfileDep, session: SessionDep, clock: ClockDep
) -> ProgressOut:
    return await progress_service.record(session, profile.id, Kind.video, item_id, beat, clock())


@_heartbeat(Kind.ebook, "an eBook")
async def ebook_heartbeat(
    item_id: uuid.UUID, beat: EbookBeat, profile: ProfileDep, session: SessionDep, clock: ClockDep
) -> ProgressOut:
    return await progress_service.record(session, profile.id, Kind.ebook, item_id, beat, clock())


@_heartbeat(Kind.diy, "a DIY")
async def diy_heartbeat(
    item_id: uuid.UUID, beat: DiyBeat, profile: ProfileDep, session: SessionDep, clock: ClockDep
) -> ProgressOut:
    return await progress_service.record(session, profile.id, Kind.diy, item_id, beat, clock())


@router.put("/progress/{kind}/{item_id}", include_in_schema=False)
async def heartbeat_of_unknown_kind(kind: Kind, item_id: uuid.UUID) -> None:
    """Reached only with a kind that is none of the above: `kind` answers the 422."""
    raise AssertionError("unreachable")  # pragma: no cover


@router.get(
    "/progress/{kind}/{item_id}",
    response_model=ProgressOut,
    responses=SCOPED,
    summary="The resume state of one item (404 `not_started` before any heartbeat)",
)
async def get_progress(
    kind: Kind, item_id: uuid.UUID, profile: ProfileDep, session: SessionDep
) -> ProgressOut:
    return await progress_service.get(session, profile.id, kind, item_id)


@router.get(
    "/progress",
    response_model=ProgressPage,
    responses={**SCOPED, **problem_responses(400)},
    summary="Resume states, newest activity first",
)
async def list_progress(
    profile: ProfileDep,
    session: SessionDep,
    page: PageParamsDep,
    kind: Kind | None = None,
    status: ProgressStatus | None = None,
) -> ProgressPage:
    return await progress_service.list_progress(
        session, profile.id, kind, status, page.limit, page.cursor
    )


@router.put(
    "/saved/{kind}/{item_id}",
    response_model=SavedOut,
    responses=SCOPED,
    summary="Save an item (again: no change)",
)
async def save(
    kind: Kind, item_id: uuid.UUID, profile: ProfileDep, session: SessionDep, clock: ClockDep
) -> SavedOut:
    return SavedOut(**await progress_service.save(session, profile.id, kind, item_id, clock()))


@router.delete(
    "/saved/{kind}/{item_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=SCOPED,
    summary="Let a saved item go (also when it was not saved)",
)
async def unsave(kind: Kind, item_id: uuid.UUID, profile: ProfileDep, session: SessionDep) -> None:
    await progress_service.unsave(session, profile.id, kind, item_id)


@router.get(
    "/activity",
    response_model=Activity,
    responses=SCOPED,
    summary="Parents: per day, minutes by kind and the items started and completed",
)
async def activity(
    profile: ParentProfileDep,
    session: SessionDep,
    clock: ClockDep,
    from_: Annotated[date | None, Query(alias="from", description="First day (family's)")] = None,
    to: Annotated[date | None, Query(description="Last day, included")] = None,
) -> Activity:
    return await progress_service.activity(
        session, profile.id, profile.account_id, from_, to, clock()
    )
