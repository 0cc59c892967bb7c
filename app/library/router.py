"""The screens that combine modules: "My adventures" and its sections, saved items, the
explorer's tab, the app screens (explore, videos, eBooks, Adventure Show) and an item's page
with its quizzes. Personal screens are reachable by the explorer of the profile and by its
parent; the app screens and item pages are public, and personal with `?profile_id=`.

An explorer's token is held to its limits (app/limits) on the explorer's tab, the app
screens and the item pages: 403 `limit_reached` while locked. "My adventures" stays open."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from app.auth.deps import CallerDep, OptionalCaller
from app.catalog import service as catalog_service
from app.catalog.deps import PublicReadDep
from app.catalog.examples import (
    DEMO_DIY,
    DEMO_EBOOK,
    DEMO_VIDEO,
    DIY_OUT,
    EBOOK_OUT,
    SCREEN,
    VIDEO_OUT,
)
from app.catalog.params import CATALOG_TAG
from app.catalog.router import PUBLIC
from app.catalog.schemas import Kind, Screen
from app.classrooms import service as classrooms_service
from app.core.clock import ClockDep
from app.core.db import SessionDep, WorkDep
from app.core.errors import NotFound, Unauthorized, problem_responses
from app.core.examples import path_example, response_example
from app.core.http_cache import PublicAnswersDep
from app.core.pagination import PageParamsDep
from app.core.parts import SettingsDep
from app.library import service as library_service
from app.library.examples import (
    GET_LIBRARY_OUT,
    GET_MY_EXPLORER_OUT,
    LIST_LIBRARY_SECTION_OUT,
    LIST_SAVED_OUT,
)
from app.library.schemas import (
    DiyOut,
    EbookOut,
    ExplorerScreen,
    Library,
    LibraryPage,
    MyExplorer,
    Section,
    VideoOut,
)
from app.library.service import Explorer
from app.limits import service as limits_service
from app.media.links import MediaLinksDep
from app.profiles import service as profiles_service
from app.profiles.scope import ProfileDep, ScopedConnection
from app.quizzes import service as quizzes_service

# "My adventures" opens every time the app does: a thin route on a router mounted first.
hot_router = APIRouter(prefix="/profiles/{profile_id}", tags=["library"])
router = APIRouter(prefix="/profiles/{profile_id}", tags=["library"])
# The app's screens and item pages, beside the catalogue's public reads.
screens_router = APIRouter(tags=["catalogue"])

SCOPED = problem_responses(401, 403, 404, 422)


@hot_router.get(
    "/library",
    name="get_library",
    response_model=Library,
    responses={
        **SCOPED,
        **response_example(200, GET_LIBRARY_OUT),
    },
    summary='Read "My adventures": continue, completed, saved, recommended and stats.',
)
async def get_library(
    profile_id: uuid.UUID,
    caller: CallerDep,
    conn: ScopedConnection,
    work: WorkDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    """Answers the explorer's library screen in one round trip: items to continue, completed,
    saved, recommended, and learning stats.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** none beyond the profile's scope.

    **Retries:** a read; repeating it changes nothing.
    """
    who = await library_service.explorer(conn, profile_id)
    if who is None:  # deleted since the scope check
        raise NotFound("No such explorer.")
    now = clock()
    due = None
    if await classrooms_service.in_a_classroom(conn, who.id):
        # Most explorers are in no classroom: only theirs read the assignments.
        session = await work.session()
        profile = await profiles_service.get_for(session, caller, profile_id)
        due = await classrooms_service.due_soon(session, profile, now)
        conn = await work.connection()
    body = await library_service.library(conn, settings, who, now, due or ())
    return Response(body, media_type="application/json")


@router.get(
    "/saved",
    name="list_saved",
    response_model=LibraryPage,
    responses={
        **SCOPED,
        **problem_responses(400),
        **response_example(200, LIST_SAVED_OUT),
    },
    summary="List saved items as cards with their progress, last saved first.",
)
async def list_saved(
    profile: ProfileDep, conn: ScopedConnection, page: PageParamsDep
) -> LibraryPage:
    """Lists the explorer's saved items with their progress, in cursor pages.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** `limit` is 1 to 100; a cursor is only valid as this list returned it.

    **Retries:** a read; repeating it changes nothing.
    """
    return await library_service.section(
        conn, Explorer.of(profile), Section.saved, page.limit, page.cursor
    )


@router.get(
    "/library/{section}",
    name="list_library_section",
    response_model=LibraryPage,
    responses={
        **SCOPED,
        **problem_responses(400),
        **response_example(200, LIST_LIBRARY_SECTION_OUT),
    },
    summary="Page through one section of the library.",
)
async def list_library_section(
    section: Section, profile: ProfileDep, conn: ScopedConnection, page: PageParamsDep
) -> LibraryPage:
    """Lists one section of "My adventures" (continue, completed, saved...) in cursor pages.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** `limit` is 1 to 100; a cursor is only valid as this list returned it.

    **Retries:** a read; repeating it changes nothing.
    """
    return await library_service.section(
        conn, Explorer.of(profile), section, page.limit, page.cursor
    )


ExplorerQuery = Annotated[uuid.UUID, Query(description="The explorer")]


@screens_router.get(
    "/tabs/my-explorer",
    name="get_my_explorer",
    response_model=MyExplorer,
    responses={
        **SCOPED,
        **response_example(200, GET_MY_EXPLORER_OUT),
    },
    summary="Read the explorer's tab: avatar, nickname, streak, continue row, recent completions.",
)
async def get_my_explorer(
    profile_id: ExplorerQuery,
    caller: CallerDep,
    session: SessionDep,
    work: WorkDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> MyExplorer:
    """Answers the "My explorer" tab of the explorer named in `profile_id` in one round trip.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** `profile_id` is required and must be the caller's own explorer or, for a parent,
    one of the family's (404 otherwise); an explorer whose limits lock play (bedtime, or today's
    allowance used up) gets 403 `limit_reached` with `Retry-After` until play is allowed again.

    **Retries:** a read; repeating it changes nothing.
    """
    profile = await profiles_service.get_for(session, caller, profile_id)
    await limits_service.check_play(session, caller, profile.id, clock())
    return await library_service.my_explorer(await work.connection(), settings, profile, clock())


@screens_router.get(
    "/tabs/{tab}",
    name="get_tab",
    response_model=ExplorerScreen,
    responses={**PUBLIC, **problem_responses(403, 404, 422), **response_example(200, SCREEN)},
    summary="Read one app screen in one round trip: featured items and rows.",
)
async def get_tab(
    tab: Annotated[
        Literal["explore", "videos", "ebooks", "adventure-show"], path_example("explore")
    ],
    request: Request,
    read: PublicReadDep,
    clock: ClockDep,
    profile_id: Annotated[
        uuid.UUID | None,
        Query(description="An explorer's profile: the screen for their age band"),
    ] = None,
) -> Response:
    """Answers a tab of the app (home, videos, ebooks, diys...): featured items and rows of cards.
    Cached: an ETag and Cache-Control; `If-None-Match` gives 304.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** an unknown tab is a 404; an explorer whose limits lock play (bedtime, or today's
    allowance used up) gets 403 `limit_reached` with `Retry-After` until play is allowed again.

    **Retries:** a read; repeating it changes nothing.
    """
    caller, work, answers = read.caller, read.work, read.answers
    band_name = None
    due_soon = None
    if caller is not None and caller.profile_id is not None and profile_id is None:
        # An explorer's own app asking for a screen: its limits apply.
        await limits_service.check_play(await work.session(), caller, caller.profile_id, clock())
    if profile_id is not None:
        if caller is None:
            raise Unauthorized("Sign in to see a screen for an explorer.", code="not_authenticated")
        session = await work.session()
        profile = await profiles_service.get_for(session, caller, profile_id)
        await limits_service.check_play(session, caller, profile.id, clock())
        band_name = profile.age_band
        if tab == "explore":
            due_soon = await classrooms_service.due_soon(session, profile, clock())
    band = catalog_service.age_band(band_name)
    if due_soon is not None:
        # One child's assignments: never in the shared cache, never in a shared proxy.
        screen = await catalog_service.screen(await work.connection(), tab, band)
        personal = ExplorerScreen(featured=screen.featured, rows=screen.rows, due_soon=due_soon)
        return Response(
            ExplorerScreen.__pydantic_serializer__.to_json(personal),
            media_type="application/json",
            headers={"Cache-Control": "private, no-store"},
        )

    async def build() -> Screen:
        return await catalog_service.screen(await work.connection(), tab, band)

    return await answers.json(request, build, tag=CATALOG_TAG, vary=band_name or "")


@screens_router.get(
    "/videos/{item_id}",
    name="get_video",
    response_model=VideoOut,
    responses={**PUBLIC, **problem_responses(403, 404, 422), **response_example(200, VIDEO_OUT)},
    summary="Read one published video with its media links and quizzes.",
)
async def get_video(
    item_id: Annotated[uuid.UUID, path_example(DEMO_VIDEO)],
    request: Request,
    caller: OptionalCaller,
    session: SessionDep,
    links: MediaLinksDep,
    answers: PublicAnswersDep,
    clock: ClockDep,
) -> Response:
    """Answers the video's page: its details, a short-lived link to the file, captions and quizzes.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** a video that is not published is a 404; an explorer whose limits lock play (bedtime,
    or today's allowance used up) gets 403 `limit_reached` with `Retry-After` until play is allowed
    again.

    **Retries:** a read; repeating it changes nothing.
    """
    if caller is not None and caller.profile_id is not None:
        await limits_service.check_play(session, caller, caller.profile_id, clock())

    async def build() -> VideoOut:
        item = await catalog_service.video(session, links, item_id)
        quizzes = await quizzes_service.summaries_for(session, Kind.video.value, item_id)
        return VideoOut(**dict(item), quizzes=quizzes)

    return await answers.json(request, build, tag=CATALOG_TAG)


@screens_router.get(
    "/ebooks/{item_id}",
    name="get_ebook",
    response_model=EbookOut,
    responses={**PUBLIC, **problem_responses(403, 404, 422), **response_example(200, EBOOK_OUT)},
    summary="Read one published eBook with its pages, narration, word timings and quizzes.",
)
async def get_ebook(
    item_id: Annotated[uuid.UUID, path_example(DEMO_EBOOK)],
    request: Request,
    caller: OptionalCaller,
    session: SessionDep,
    links: MediaLinksDep,
    answers: PublicAnswersDep,
    clock: ClockDep,
) -> Response:
    """Answers the eBook's pages with pictures, narration links and word timings for read-aloud
    highlighting, and its quizzes.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** an eBook that is not published is a 404; an explorer whose limits lock play (bedtime,
    or today's allowance used up) gets 403 `limit_reached` with `Retry-After` until play is allowed
    again.

    **Retries:** a read; repeating it changes nothing.
    """
    if caller is not None and caller.profile_id is not None:
        await limits_service.check_play(session, caller, caller.profile_id, clock())

    async def build() -> EbookOut:
        item = await catalog_service.ebook(session, links, item_id)
        quizzes = await quizzes_service.summaries_for(session, Kind.ebook.value, item_id)
        return EbookOut(**dict(item), quizzes=quizzes)

    return await answers.json(request, build, tag=CATALOG_TAG)


@screens_router.get(
    "/diys/{item_id}",
    name="get_diy",
    response_model=DiyOut,
    responses={**PUBLIC, **problem_responses(403, 404, 422), **response_example(200, DIY_OUT)},
    summary="Read one published DIY project with its materials, steps and quizzes.",
)
async def get_diy(
    item_id: Annotated[uuid.UUID, path_example(DEMO_DIY)],
    request: Request,
    caller: OptionalCaller,
    session: SessionDep,
    links: MediaLinksDep,
    answers: PublicAnswersDep,
    clock: ClockDep,
) -> Response:
    """Answers the DIY project's materials (with what needs a grown-up), steps with pictures or
    videos, and quizzes.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** a project that is not published is a 404; an explorer whose limits lock play
    (bedtime, or today's allowance used up) gets 403 `limit_reached` with `Retry-After` until play
    is allowed again.

    **Retries:** a read; repeating it changes nothing.
    """
    if caller is not None and caller.profile_id is not None:
        await limits_service.check_play(session, caller, caller.profile_id, clock())

    async def build() -> DiyOut:
        item = await catalog_service.diy(session, links, item_id)
        quizzes = await quizzes_service.summaries_for(session, Kind.diy.value, item_id)
        return DiyOut(**dict(item), quizzes=quizzes)

    return await answers.json(request, build, tag=CATALOG_TAG)
