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
from app.core.examples import request_example, response_example
from app.core.pagination import PageParamsDep
from app.core.responses import model_response
from app.limits.deps import PlayConnection
from app.profiles.scope import ParentProfileDep, ProfileDep
from app.progress import service as progress_service
from app.progress.clock import ClockDep
from app.progress.examples import (
    DIY_BEAT,
    EBOOK_BEAT,
    GET_ACTIVITY_OUT,
    GET_DIY_PROGRESS_OUT,
    GET_EBOOK_PROGRESS_OUT,
    GET_VIDEO_PROGRESS_OUT,
    LIST_PROGRESS_OUT,
    PUT_DIY_PROGRESS_OUT,
    PUT_EBOOK_PROGRESS_OUT,
    PUT_VIDEO_PROGRESS_OUT,
    SAVE_ITEM_OUT,
    VIDEO_BEAT,
)
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


@hot_router.put(
    "/progress/video/{item_id}",
    name="put_video_progress",
    response_model=ProgressOut,
    responses={
        **SCOPED,
        **response_example(200, PUT_VIDEO_PROGRESS_OUT),
    },
    summary="Record a heartbeat of a video: merge what was watched and answer the resume state.",
    openapi_extra=request_example(VIDEO_BEAT),
)
async def video_heartbeat(
    profile_id: uuid.UUID,
    item_id: uuid.UUID,
    beat: VideoBeat,
    conn: PlayConnection,
    clock: ClockDep,
    request: Request,
) -> Response:
    """Merges what was watched since the last heartbeat into the explorer's progress on the video
    and answers the resume state (position, completed).

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** the video must be published (409 `not_playable`); `sent_at` may not be in the
    future (422 `sent_at_in_future`); learning time is bounded by the server's clock, so time
    cannot be earned faster than it passes; an explorer whose limits lock play (bedtime, or today's
    allowance used up) gets 403 `limit_reached` with `Retry-After` until play is allowed again; the
    heartbeat that completes an item or makes the day count towards a streak earns the badges it
    meets, in the same transaction and once (`GET .../badges`).

    **Retries:** idempotent: a heartbeat is keyed by its `sent_at`, so a retried one counts
    once; an older one never moves the resume point back.
    """
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
    responses={
        **SCOPED,
        **response_example(200, PUT_EBOOK_PROGRESS_OUT),
    },
    summary="Record a heartbeat of an eBook: merge the pages read and answer the resume state.",
    openapi_extra=request_example(EBOOK_BEAT),
)
async def ebook_heartbeat(
    profile_id: uuid.UUID,
    item_id: uuid.UUID,
    beat: EbookBeat,
    conn: PlayConnection,
    clock: ClockDep,
    request: Request,
) -> Response:
    """Merges the pages read since the last heartbeat into the explorer's progress on the eBook and
    answers the resume state.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** the eBook must be published (409 `not_playable`); pages are within the book;
    `sent_at` may not be in the future (422 `sent_at_in_future`); learning time is bounded by
    the server's clock; an explorer whose limits lock play (bedtime, or today's allowance used up)
    gets 403 `limit_reached` with `Retry-After` until play is allowed again; the heartbeat that
    completes an item or makes the day count towards a streak earns the badges it meets, in the same
    transaction and once (`GET .../badges`).

    **Retries:** idempotent: a heartbeat is keyed by its `sent_at`, so a retried one counts
    once; an older one never moves the resume point back.
    """
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
    responses={
        **SCOPED,
        **response_example(200, PUT_DIY_PROGRESS_OUT),
    },
    summary="Record a heartbeat of a DIY project: merge the steps done, answer the resume state.",
    openapi_extra=request_example(DIY_BEAT),
)
async def diy_heartbeat(
    profile_id: uuid.UUID,
    item_id: uuid.UUID,
    beat: DiyBeat,
    conn: PlayConnection,
    clock: ClockDep,
    request: Request,
) -> Response:
    """Merges the steps done since the last heartbeat into the explorer's progress on the project
    and answers the resume state.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** the project must be published (409 `not_playable`); steps are within the project;
    `sent_at` may not be in the future (422 `sent_at_in_future`); learning time is bounded by
    the server's clock; an explorer whose limits lock play (bedtime, or today's allowance used up)
    gets 403 `limit_reached` with `Retry-After` until play is allowed again; the heartbeat that
    completes an item or makes the day count towards a streak earns the badges it meets, in the same
    transaction and once (`GET .../badges`).

    **Retries:** idempotent: a heartbeat is keyed by its `sent_at`, so a retried one counts
    once; an older one never moves the resume point back.
    """
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
    responses={
        **SCOPED,
        **response_example(200, GET_VIDEO_PROGRESS_OUT),
    },
    summary="Read the resume state of one video.",
)
async def get_video_progress(
    item_id: uuid.UUID, profile: ProfileDep, session: SessionDep
) -> ProgressOut:
    """Answers where the explorer is in the video and whether it is completed.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** before any heartbeat it is a 404 `not_started`.

    **Retries:** a read; repeating it changes nothing.
    """
    return await progress_service.get(session, profile.id, Kind.video, item_id)


@router.get(
    "/progress/ebook/{item_id}",
    name="get_ebook_progress",
    response_model=ProgressOut,
    responses={
        **SCOPED,
        **response_example(200, GET_EBOOK_PROGRESS_OUT),
    },
    summary="Read the resume state of one eBook.",
)
async def get_ebook_progress(
    item_id: uuid.UUID, profile: ProfileDep, session: SessionDep
) -> ProgressOut:
    """Answers the pages the explorer read and whether the book is completed.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** before any heartbeat it is a 404 `not_started`.

    **Retries:** a read; repeating it changes nothing.
    """
    return await progress_service.get(session, profile.id, Kind.ebook, item_id)


@router.get(
    "/progress/diy/{item_id}",
    name="get_diy_progress",
    response_model=ProgressOut,
    responses={
        **SCOPED,
        **response_example(200, GET_DIY_PROGRESS_OUT),
    },
    summary="Read the resume state of one DIY project.",
)
async def get_diy_progress(
    item_id: uuid.UUID, profile: ProfileDep, session: SessionDep
) -> ProgressOut:
    """Answers the steps the explorer did and whether the project is completed.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** before any heartbeat it is a 404 `not_started`.

    **Retries:** a read; repeating it changes nothing.
    """
    return await progress_service.get(session, profile.id, Kind.diy, item_id)


@router.get("/progress/{kind}/{item_id}", include_in_schema=False)
async def progress_of_unknown_kind(profile_id: uuid.UUID, kind: Kind, item_id: uuid.UUID) -> None:
    """Reached only with a kind that is none of the above: `kind` answers the 422."""
    raise AssertionError("unreachable")  # pragma: no cover


@router.get(
    "/progress",
    response_model=ProgressPage,
    responses={
        **SCOPED,
        **problem_responses(400),
        **response_example(200, LIST_PROGRESS_OUT),
    },
    summary="List the explorer's resume states, newest activity first.",
)
async def list_progress(
    profile: ProfileDep,
    session: SessionDep,
    page: PageParamsDep,
    kind: Kind | None = None,
    status: ProgressStatus | None = None,
) -> ProgressPage:
    """Lists the explorer's progress on every item started, in cursor pages.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** `limit` is 1 to 100; a cursor is only valid as this list returned it.

    **Retries:** a read; repeating it changes nothing.
    """
    return await progress_service.list_progress(
        session, profile.id, kind, status, page.limit, page.cursor
    )


@router.put(
    "/saved/{kind}/{item_id}",
    name="save_item",
    response_model=SavedOut,
    responses={
        **SCOPED,
        **response_example(200, SAVE_ITEM_OUT),
    },
    summary="Save an item to the explorer's library.",
)
async def save(
    kind: Kind, item_id: uuid.UUID, profile: ProfileDep, session: SessionDep, clock: ClockDep
) -> SavedOut:
    """Saves the published item for later.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** the item must exist (404).

    **Retries:** idempotent: saving it again changes nothing.
    """
    return SavedOut(**await progress_service.save(session, profile.id, kind, item_id, clock()))


@router.delete(
    "/saved/{kind}/{item_id}",
    name="unsave_item",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=SCOPED,
    summary="Remove an item from the explorer's saved items.",
)
async def unsave(kind: Kind, item_id: uuid.UUID, profile: ProfileDep, session: SessionDep) -> None:
    """Lets a saved item go.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** none beyond the profile's scope.

    **Retries:** idempotent: removing what was not saved is a 204 too.
    """
    await progress_service.unsave(session, profile.id, kind, item_id)


@router.get(
    "/activity",
    name="get_activity",
    response_model=Activity,
    responses={
        **SCOPED,
        **response_example(200, GET_ACTIVITY_OUT),
    },
    summary="Read an explorer's activity per day: minutes by kind, items started and completed.",
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
    """Answers, per day of a date range in the family's time zone, the minutes spent by kind and
    the items started and completed.

    **Who may call:** that profile's family's parent only; its explorer is refused (403), anyone
    else gets 404 (anonymous callers 401).

    **Rules:** the range is bounded (422 beyond it).

    **Retries:** a read; repeating it changes nothing.
    """
    return await progress_service.activity(
        session, profile.id, profile.account_id, from_, to, clock()
    )
