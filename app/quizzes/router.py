"""Quiz routes: public reads (`/quizzes`), one explorer's attempts and results
(`/profiles/{profile_id}/...`, the explorer or its parent), and authoring and analytics for
editors (`/admin/quizzes`)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response, status

from app.auth.deps import CallerDep, EditorPrincipal
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.pagination import PageParamsDep
from app.core.responses import model_response
from app.limits import service as limits_service
from app.limits.deps import PlayTransaction
from app.media.links import MediaLinksDep
from app.profiles.scope import ProfileDep
from app.progress.clock import ClockDep
from app.quizzes import analytics, attempts, authoring, reading, results
from app.quizzes.schemas import (
    AdminQuiz,
    AdminQuizPage,
    AnswerBody,
    AnswerOut,
    AttemptOut,
    AttemptResult,
    BulkResult,
    ContentKind,
    Deleted,
    Difficulty,
    NextQuiz,
    QuizBulk,
    QuizIn,
    QuizOut,
    QuizPage,
    QuizPatch,
    QuizResultPage,
    QuizStats,
    QuizStatus,
    ReorderIn,
)

router = APIRouter(tags=["quizzes"])
profile_router = APIRouter(prefix="/profiles/{profile_id}", tags=["quizzes"])
# Answers arrive one per question while a child plays: a thin route on a router mounted first.
hot_router = APIRouter(prefix="/profiles/{profile_id}", tags=["quizzes"])
admin_router = APIRouter(prefix="/admin/quizzes", tags=["admin", "quizzes"])

SCOPED = problem_responses(401, 403, 404, 422)
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 422)
# Required (428 without it): `questions` replaces the whole list, so an edit made without
# saying which version it changes could silently undo another editor's (which choices are
# right, for one).
IF_MATCH = (
    "Required: the ETag of this quiz as you read it (GET it, copy its ETag header). "
    "A stale one is refused with 412 and changes nothing; `*` deliberately edits whatever "
    "version is current."
)
ETAG: dict[int | str, dict[str, Any]] = {
    200: {
        "headers": {
            "ETag": {
                "description": "This version; send it as If-Match to edit",
                "schema": {"type": "string"},
            }
        }
    }
}


# --- public ------------------------------------------------------------------------------


@router.get(
    "/quizzes",
    response_model=QuizPage,
    responses=problem_responses(400, 422),
    summary="Published quizzes, questions and choices included (never which one is right)",
)
async def list_quizzes(
    links: MediaLinksDep,
    session: SessionDep,
    page: PageParamsDep,
    content_kind: ContentKind | None = None,
    content_id: uuid.UUID | None = None,
    difficulty: Difficulty | None = None,
) -> QuizPage:
    return await reading.list_quizzes(
        links, session, content_kind, content_id, difficulty, page.limit, page.cursor
    )


@router.get(
    "/quizzes/{quiz_id}",
    response_model=QuizOut,
    responses=problem_responses(404, 422),
    summary="One published quiz, to play (never which choice is right)",
)
async def get_quiz(quiz_id: uuid.UUID, links: MediaLinksDep, session: SessionDep) -> QuizOut:
    return await reading.get_quiz(links, session, quiz_id)


# --- one explorer --------------------------------------------------------------------------


@profile_router.post(
    "/quizzes/{quiz_id}/attempts",
    response_model=AttemptOut,
    status_code=status.HTTP_201_CREATED,
    responses={**SCOPED, 200: {"model": AttemptOut, "description": "The open attempt, resumed"}},
    summary="Start an attempt (or resume the one open on this quiz, answered 200)",
    description="At most one attempt is open per explorer and quiz: starting again while one "
    "is open answers that one (200) instead of opening another, so a retried start counts once. "
    "An explorer whose limits lock play gets 403 `limit_reached` with Retry-After.",
)
async def start_attempt(
    quiz_id: uuid.UUID,
    profile: ProfileDep,
    caller: CallerDep,
    links: MediaLinksDep,
    session: SessionDep,
    clock: ClockDep,
    response: Response,
) -> AttemptOut:
    await limits_service.check_play(session, caller, profile.id, clock())
    attempt, created = await attempts.start(links, session, profile.id, quiz_id, clock())
    if not created:
        response.status_code = status.HTTP_200_OK
    return attempt


@hot_router.put(
    "/attempts/{attempt_id}/answers/{question_id}",
    response_model=AnswerOut,
    responses=WRITE_ERRORS,
    summary="Answer one question (the same answer again counts once)",
    description="One answer per question of the attempt: the same answer again (a retry) counts "
    "once and answers the same. In `instant` mode a different answer to an answered question is "
    "409 `already_answered`; in `at_end` mode it replaces the first. An explorer whose limits "
    "lock play gets 403 `limit_reached` with Retry-After.",
)
async def answer_question(
    attempt_id: uuid.UUID,
    question_id: uuid.UUID,
    body: AnswerBody,
    profile_id: uuid.UUID,
    conn: PlayTransaction,
    clock: ClockDep,
) -> Response:
    answer = await attempts.answer(
        conn, profile_id, attempt_id, question_id, body.answer(), clock()
    )
    return model_response(answer)


@profile_router.post(
    "/attempts/{attempt_id}/submit",
    response_model=AttemptResult,
    responses=SCOPED,
    summary="Finish: the score, each question's result, passed or not, stars (again: the same)",
    description="Scores and closes the attempt. Submitting a closed attempt again (a retry) "
    "answers its result as it was closed and changes nothing.",
)
async def submit_attempt(
    attempt_id: uuid.UUID, profile: ProfileDep, session: SessionDep, clock: ClockDep
) -> AttemptResult:
    return await attempts.submit(session, profile.id, attempt_id, clock())


@profile_router.get(
    "/quizzes/next",
    response_model=NextQuiz,
    responses=SCOPED,
    summary="The quiz to take next on this content, at the level that fits",
)
async def get_next_quiz(
    profile: ProfileDep,
    session: SessionDep,
    clock: ClockDep,
    content_kind: ContentKind,
    content_id: uuid.UUID,
) -> NextQuiz:
    return await results.next_quiz(session, profile, content_kind, content_id, clock())


@profile_router.get(
    "/quiz-results",
    response_model=QuizResultPage,
    responses={**SCOPED, **problem_responses(400)},
    summary="Per quiz taken: best score, attempts, mastered; latest first",
)
async def list_quiz_results(
    profile: ProfileDep, session: SessionDep, clock: ClockDep, page: PageParamsDep
) -> QuizResultPage:
    return await results.results(session, profile.id, clock(), page.limit, page.cursor)


# --- editors -------------------------------------------------------------------------------


@admin_router.get("", response_model=AdminQuizPage, responses=problem_responses(400, 401, 403, 422))
async def admin_list_quizzes(
    principal: EditorPrincipal,
    session: SessionDep,
    page: PageParamsDep,
    content_id: uuid.UUID | None = None,
    status_: Annotated[QuizStatus | None, Query(alias="status")] = None,
) -> AdminQuizPage:
    return await authoring.admin_list(session, content_id, status_, page.limit, page.cursor)


async def _answered(session: SessionDep, quiz_id: uuid.UUID, response: Response) -> AdminQuiz:
    """The quiz as an editor reads it, its ETag in the response's headers."""
    detail = await authoring.admin_detail(session, quiz_id)
    response.headers["ETag"] = authoring.version(detail)
    return detail


@admin_router.post(
    "", response_model=AdminQuiz, status_code=201, responses={**WRITE_ERRORS, **ETAG}
)
async def admin_create_quiz(
    body: QuizIn, principal: EditorPrincipal, session: SessionDep, response: Response
) -> AdminQuiz:
    quiz_id = await authoring.create(session, body)
    return await _answered(session, quiz_id, response)


@admin_router.post(
    "/bulk",
    response_model=BulkResult,
    status_code=201,
    responses=WRITE_ERRORS,
    summary="Create many quizzes: all or nothing, with the errors of every item",
)
async def admin_bulk_create_quizzes(
    body: QuizBulk, principal: EditorPrincipal, session: SessionDep
) -> BulkResult:
    return BulkResult(ids=await authoring.bulk_create(session, body.items))


@admin_router.get(
    "/{quiz_id}",
    response_model=AdminQuiz,
    responses={**problem_responses(401, 403, 404, 422), **ETAG},
    summary="One quiz with its answers, and its ETag",
)
async def admin_get_quiz(
    quiz_id: uuid.UUID, principal: EditorPrincipal, session: SessionDep, response: Response
) -> AdminQuiz:
    return await _answered(session, quiz_id, response)


@admin_router.patch(
    "/{quiz_id}",
    response_model=AdminQuiz,
    responses={**WRITE_ERRORS, **problem_responses(412, 428), **ETAG},
    summary="Change some fields of a quiz (If-Match: its ETag)",
)
async def admin_update_quiz(
    quiz_id: uuid.UUID,
    body: QuizPatch,
    principal: EditorPrincipal,
    session: SessionDep,
    response: Response,
    # Required in the document; missing, it is a 428 (app/core/errors.py), not a 422.
    if_match: Annotated[str, Header(description=IF_MATCH)],
) -> AdminQuiz:
    await authoring.update(session, quiz_id, body, if_match)
    return await _answered(session, quiz_id, response)


@admin_router.delete(
    "/{quiz_id}",
    response_model=Deleted,
    responses=WRITE_ERRORS,
    summary="Delete a quiz; one that explorers took is archived instead (results are kept)",
)
async def admin_delete_quiz(
    quiz_id: uuid.UUID, principal: EditorPrincipal, session: SessionDep
) -> Deleted:
    return await authoring.delete(session, quiz_id)


@admin_router.post(
    "/{quiz_id}/publish",
    response_model=AdminQuiz,
    responses={**WRITE_ERRORS, **ETAG},
    summary="Publish (every picture and sound attached must be ready)",
)
async def admin_publish_quiz(
    quiz_id: uuid.UUID, principal: EditorPrincipal, session: SessionDep, response: Response
) -> AdminQuiz:
    await authoring.set_status(session, quiz_id, "publish")
    return await _answered(session, quiz_id, response)


@admin_router.post(
    "/{quiz_id}/unpublish",
    response_model=AdminQuiz,
    responses={**WRITE_ERRORS, **ETAG},
    summary="Back to draft: explorers no longer see it",
)
async def admin_unpublish_quiz(
    quiz_id: uuid.UUID, principal: EditorPrincipal, session: SessionDep, response: Response
) -> AdminQuiz:
    await authoring.set_status(session, quiz_id, "unpublish")
    return await _answered(session, quiz_id, response)


@admin_router.post(
    "/{quiz_id}/archive",
    response_model=AdminQuiz,
    responses={**WRITE_ERRORS, **ETAG},
    summary="Archive: explorers no longer see it; their results stay",
)
async def admin_archive_quiz(
    quiz_id: uuid.UUID, principal: EditorPrincipal, session: SessionDep, response: Response
) -> AdminQuiz:
    await authoring.set_status(session, quiz_id, "archive")
    return await _answered(session, quiz_id, response)


@admin_router.post(
    "/{quiz_id}/questions/reorder",
    response_model=AdminQuiz,
    responses={**WRITE_ERRORS, **ETAG},
    summary="Put the questions in this order (every question once)",
)
async def admin_reorder_questions(
    quiz_id: uuid.UUID,
    body: ReorderIn,
    principal: EditorPrincipal,
    session: SessionDep,
    response: Response,
) -> AdminQuiz:
    await authoring.reorder(session, quiz_id, body.ids)
    return await _answered(session, quiz_id, response)


@admin_router.get(
    "/{quiz_id}/stats",
    response_model=QuizStats,
    responses=problem_responses(401, 403, 404, 422),
    summary="Per question: attempts, share correct, hints, most chosen wrong choice, flags",
)
async def admin_quiz_stats(
    quiz_id: uuid.UUID,
    principal: EditorPrincipal,
    session: SessionDep,
    clock: ClockDep,
    from_: Annotated[date | None, Query(alias="from", description="First day (UTC)")] = None,
    to: Annotated[date | None, Query(description="Last day (UTC), included")] = None,
) -> QuizStats:
    return await analytics.stats(session, quiz_id, from_, to, clock())
