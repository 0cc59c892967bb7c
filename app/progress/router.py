"""`/profiles/{profile_id}/progress`, `/saved/{kind}/{item_id}` and `/activity`: heartbeats
and resume states for the explorer of that profile or its parent; activity for the parent."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, BeforeValidator

from app.catalog.schemas import Kind
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.pagination import PageParamsDep
from app.core.responses import model_response
from app.profiles.scope import ParentProfileDep, ProfileDep, ScopedConnection
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


def _iso_date(value: Any) -> Any:
    # Only YYYY-MM-DD: pydantic alone reads `0` as a Unix time, 1970-01-01.
    if not (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
        raise ValueError("A date is YYYY-MM-DD.")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class SavedOut(BaseModel):
    kind: Kind
    item_id: uuid.UUID
    saved_at: datetime


# The hottest writes of the service: thin routes on a router mounted first (app/modules.py),
# the caller from the request's state, the body model, the request's connection in the
# transaction the request commits, and the answer's bytes straight from its serializer.
hot_router = APIRouter(prefix="/profiles/{profile_id}", tags=["progress"])


def _streak_minutes(request: Request) -> int:
    # Read from the runtime, not through a dependency: each dependency solved is a
    # measurable share of a heartbeat.
    minutes: int = request.app.state.runtime.settings.streak_minutes
    return minutes


HEARTBEAT = (
    "Merges what was done into the resume state and answers it. Retrying the same heartbeat "
    "(the same `sent_at`) counts once; an older one never moves the resume point back. The "
    "heartbeat that completes an item or makes the day count towards a streak earns the "
    "badges that this meets, in the same transaction and once (`GET .../badges`)."
)


@hot_router.put(
    "/progress/video/{item_id}",
    name="put_video_progress",
    response_model=ProgressOut,
    responses=SCOPED,
    summary="Heartbeat of a video: merge what was watched, answer the resume state",
    description=HEARTBEAT,
)
async def video_heartbeat(
    profile_id: uuid.UUID,
    item_id: uuid.UUID,
    beat: VideoBeat,
    conn: ScopedConnection,
    clock: ClockDep,
    request: Request,
) -> Response:
    state, told = await progress_service.record_and_tell(
        conn, profile_id, Kind.video, item_id, beat, clock(), _streak_minutes(request)
    )
    if told:  # badges earned, committed with the heartbeat's one statement
        await request.app.state.runtime.tasks.submit(told)
    return model_response(state)


@hot_router.put(
    "/progress/ebook/{item_id}",
    name="put_ebook_progress",
    response_model=ProgressOut,
    responses=SCOPED,
    summary="Heartbeat of an eBook: merge the pages read, answer the resume state",
    description=HEARTBEAT,
)
async def ebook_heartbeat(
    profile_id: uuid.UUID,
    item_id: uuid.UUID,
    beat: EbookBeat,
    conn: ScopedConnection,
    clock: ClockDep,
    request: Request,
) -> Response:
    state, told = await progress_service.record_and_tell(
        conn, profile_id, Kind.ebook, item_id, beat, clock(), _streak_minutes(request)
    )
    if told:  # badges earned, committed with the heartbeat's one statement
        await request.app.state.runtime.tasks.submit(told)
    return model_response(state)


@hot_router.put(
    "/progress/diy/{item_id}",
    name="put_diy_progress",
    response_model=ProgressOut,
    responses=SCOPED,
    summary="Heartbeat of a DIY: merge the steps done, answer the resume state",
    description=HEARTBEAT,
)
async def diy_heartbeat(
    profile_id: uuid.UUID,
    item_id: uuid.UUID,
    beat: DiyBeat,
    conn: ScopedConnection,
    clock: ClockDep,
    request: Request,
) -> Response:
    state, told = await progress_service.record_and_tell(
        conn, profile_id, Kind.diy, item_id, beat, clock(), _streak_minutes(request)
    )
    if told:  # badges earned, committed with the heartbeat's one statement
        await request.app.state.runtime.tasks.submit(told)
    return model_response(state)


@router.put("/progress/{kind}/{item_id}", include_in_schema=False)
async def heartbeat_of_unknown_kind(profile_id: uuid.UUID, kind: Kind, item_id: uuid.UUID) -> None:
    """Reached only with a kind that is none of the above: `kind` answers the 422."""
    raise AssertionError("unreachable")  # pragma: no cover


RESUME = "The resume state of one item (404 `not_started` before any heartbeat)"


@router.get(
    "/progress/video/{item_id}",
    name="get_video_progress",
    response_model=ProgressOut,
    responses=SCOPED,
    summary=RESUME,
)
async def get_video_progress(
    item_id: uuid.UUID, profile: ProfileDep, session: SessionDep
) -> ProgressOut:
    return await progress_service.get(session, profile.id, Kind.video, item_id)


@router.get(
    "/progress/ebook/{item_id}",
    name="get_ebook_progress",
    response_model=ProgressOut,
    responses=SCOPED,
    summary=RESUME,
)
async def get_ebook_progress(
    item_id: uuid.UUID, profile: ProfileDep, session: SessionDep
) -> ProgressOut:
    return await progress_service.get(session, profile.id, Kind.ebook, item_id)


@router.get(
    "/progress/diy/{item_id}",
    name="get_diy_progress",
    response_model=ProgressOut,
    responses=SCOPED,
    summary=RESUME,
)
async def get_diy_progress(
    item_id: uuid.UUID, profile: ProfileDep, session: SessionDep
) -> ProgressOut:
    return await progress_service.get(session, profile.id, Kind.diy, item_id)


@router.get("/progress/{kind}/{item_id}", include_in_schema=False)
async def progress_of_unknown_kind(profile_id: uuid.UUID, kind: Kind, item_id: uuid.UUID) -> None:
    """Reached only with a kind that is none of the above: `kind` answers the 422."""
    raise AssertionError("unreachable")  # pragma: no cover


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
    name="save_item",
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
    name="unsave_item",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=SCOPED,
    summary="Let a saved item go (also when it was not saved)",
)
async def unsave(kind: Kind, item_id: uuid.UUID, profile: ProfileDep, session: SessionDep) -> None:
    await progress_service.unsave(session, profile.id, kind, item_id)


@router.get(
    "/activity",
    name="get_activity",
    response_model=Activity,
    responses=SCOPED,
    summary="Parents: per day, minutes by kind and the items started and completed",
)
async def activity(
    profile: ParentProfileDep,
    session: SessionDep,
    clock: ClockDep,
    from_: Annotated[
        IsoDate | None, Query(alias="from", description="First day (family's)")
    ] = None,
    to: Annotated[IsoDate | None, Query(description="Last day, included")] = None,
) -> Activity:
    return await progress_service.activity(
        session, profile.id, profile.account_id, from_, to, clock()
    )
