"""The explorer's library screens: saved items, "My adventures" and its sections, and the
explorer's own tab. Reachable by the explorer of the profile and by its parent."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.auth.deps import CallerDep
from app.classrooms import service as classrooms_service
from app.core.db import SessionDep, session_driver
from app.core.errors import problem_responses
from app.core.pagination import PageParamsDep
from app.deps import RuntimeDep
from app.library import service as library_service
from app.library.schemas import Library, LibraryPage, MyExplorer, Section
from app.library.service import Explorer
from app.profiles.models import Profile
from app.profiles.scope import ProfileDep, profile_in_scope
from app.progress.clock import ClockDep

router = APIRouter(prefix="/profiles/{profile_id}", tags=["library"])
# Mounted before the catalogue's `/tabs/{tab}`, which would otherwise take this path.
tabs_router = APIRouter(tags=["library"])

SCOPED = problem_responses(401, 403, 404, 422)


@router.get(
    "/saved",
    name="list_saved",
    response_model=LibraryPage,
    responses={**SCOPED, **problem_responses(400)},
    summary="Saved items as cards with their progress, last saved first",
)
async def saved(profile: ProfileDep, session: SessionDep, page: PageParamsDep) -> LibraryPage:
    return await library_service.section(
        await session_driver(session), Explorer.of(profile), Section.saved, page.limit, page.cursor
    )


@router.get(
    "/library",
    name="get_library",
    response_model=Library,
    responses=SCOPED,
    summary='"My adventures": continue, completed, saved, recommended and stats',
)
async def library(
    profile: ProfileDep, session: SessionDep, runtime: RuntimeDep, clock: ClockDep
) -> Response:
    # Most libraries are answered before routing (app/library/front.py); this route declares
    # them and answers the rest (an explorer in a classroom, whose assignments it reads).
    now = clock()
    due = await classrooms_service.due_soon(session, profile, now)
    body = await library_service.library(
        await session_driver(session), runtime.settings, Explorer.of(profile), now, due
    )
    return Response(body, media_type="application/json")


@router.get(
    "/library/{section}",
    name="list_library_section",
    response_model=LibraryPage,
    responses={**SCOPED, **problem_responses(400)},
    summary="One section of the library as a paged list",
)
async def library_section(
    section: Section, profile: ProfileDep, session: SessionDep, page: PageParamsDep
) -> LibraryPage:
    return await library_service.section(
        await session_driver(session), Explorer.of(profile), section, page.limit, page.cursor
    )


async def _explorer(
    profile_id: Annotated[uuid.UUID, Query(description="The explorer")],
    caller: CallerDep,
    session: SessionDep,
) -> Profile:
    return await profile_in_scope(profile_id, caller, session)


@tabs_router.get(
    "/tabs/my-explorer",
    name="get_my_explorer",
    response_model=MyExplorer,
    responses=SCOPED,
    summary="The explorer's tab: avatar, nickname, streak, continue row, recent completions",
)
async def my_explorer(
    profile: Annotated[Profile, Depends(_explorer)],
    session: SessionDep,
    runtime: RuntimeDep,
    clock: ClockDep,
) -> MyExplorer:
    return await library_service.my_explorer(
        await session_driver(session), runtime.settings, profile, clock()
    )
