"""`/profiles/{profile_id}/progress`, `/saved/{kind}/{item_id}` and `/activity`: heartbeats
and resume states for the explorer of that profile or its parent; activity for the parent."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, BeforeValidator

from app.catalog.schemas import Kind
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.pagination import PageParamsDep
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


# Most heartbeats are answered before routing, by the same service function
# (app/profiles/front.py); these routes declare them and answer the rest.


def _heartbeat(kind: Kind, summary: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    # One route per kind, so each body is checked (and documented) as exactly its kind's.
    return router.put(
        f"/progress/{kind.value}/{{item_id}}",
        response_model=ProgressOut,
        responses=SCOPED,
        summary=f"Heartbeat of {summary}: merge what was done, answer the resume state",
        name=f"put_{kind.value}_progress",
    )


@_heartbeat(Kind.video, "a video")
async def video_heartbeat(
    item_id: uuid.UUID,
    beat: VideoBeat,
    profile_id: uuid.UUID,
    conn: ScopedConnection,
    clock: ClockDep,
) -> ProgressOut:
    return await progress_service.record(conn, profile_id, Kind.video, item_id, beat, clock())


@_heartbeat(Kind.ebook, "an eBook")
async def ebook_heartbeat(
    item_id: uuid.UUID,
    beat: EbookBeat,
    profile_id: uuid.UUID,
    conn: ScopedConnection,
    clock: ClockDep,
) -> ProgressOut:
    return await progress_service.record(conn, profile_id, Kind.ebook, item_id, beat, clock())


@_heartbeat(Kind.diy, "a DIY")
async def diy_heartbeat(
    item_id: uuid.UUID,
    beat: DiyBeat,
    profile_id: uuid.UUID,
    conn: ScopedConnection,
    clock: ClockDep,
) -> ProgressOut:
    return await progress_service.record(conn, profile_id, Kind.diy, item_id, beat, clock())


@router.put("/progress/{kind}/{item_id}", include_in_schema=False)
async def heartbeat_of_unknown_kind(profile_id: uuid.UUID, kind: Kind, item_id: uuid.UUID) -> None:
    """Reached only with a kind that is none of the above: `kind` answers the 422."""
    raise AssertionError("unreachable")  # pragma: no cover


def _resume_state(kind: Kind) -> Callable[..., Awaitable[ProgressOut]]:
    async def get_progress(
        item_id: uuid.UUID, profile: ProfileDep, session: SessionDep
    ) -> ProgressOut:
        return await progress_service.get(session, profile.id, kind, item_id)

    return get_progress


# Per kind, on the path of its heartbeat: one resource, so a 405 there allows GET and PUT.
for _kind in Kind:
    router.add_api_route(
        f"/progress/{_kind.value}/{{item_id}}",
        _resume_state(_kind),
        methods=["GET"],
        response_model=ProgressOut,
        responses=SCOPED,
        name=f"get_{_kind.value}_progress",
        summary="The resume state of one item (404 `not_started` before any heartbeat)",
    )


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
