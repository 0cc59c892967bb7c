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
from app.core.examples import ANY_VERSION, path_example, request_example, response_example
from app.core.pagination import PageParamsDep
from app.core.responses import model_response
from app.limits import service as limits_service
from app.limits.deps import PlayTransaction
from app.media.links import MediaLinksDep
from app.profiles.scope import ProfileDep
from app.progress.clock import ClockDep
from app.quizzes import analytics, attempts, authoring, reading, results
from app.quizzes.examples import (
    ADMIN_QUIZ,
    ADMIN_QUIZ_PAGE,
    ANSWER,
    ANSWER_QUESTION_OUT,
    DEMO_QUIZ,
    GET_NEXT_QUIZ_OUT,
    GET_QUIZ_OUT,
    LIST_QUIZ_RESULTS_OUT,
    LIST_QUIZZES_OUT,
    QUIZ_BULK_RESULT,
    QUIZ_DELETED,
    QUIZ_IN,
    QUIZ_PATCH,
    QUIZ_STATS,
    REORDER_QUESTIONS,
    START_ATTEMPT_OUT,
    SUBMIT_ATTEMPT_OUT,
)
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
admin_router = APIRouter(prefix="/admin/quizzes", tags=["quizzes"])

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
    responses={
        **problem_responses(400, 422),
        **response_example(200, LIST_QUIZZES_OUT),
    },
    summary="List published quizzes, questions and choices included, never which one is right.",
)
async def list_quizzes(
    links: MediaLinksDep,
    session: SessionDep,
    page: PageParamsDep,
    content_kind: ContentKind | None = None,
    content_id: uuid.UUID | None = None,
    difficulty: Difficulty | None = None,
) -> QuizPage:
    """Lists published quizzes, of one item or all, in cursor pages, to play.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** `limit` is 1 to 100; a cursor is only valid as this list returned it.

    **Retries:** a read; repeating it changes nothing.
    """
    return await reading.list_quizzes(
        links, session, content_kind, content_id, difficulty, page.limit, page.cursor
    )


@router.get(
    "/quizzes/{quiz_id}",
    response_model=QuizOut,
    responses={
        **problem_responses(404, 422),
        **response_example(200, GET_QUIZ_OUT),
    },
    summary="Read one published quiz to play, never which choice is right.",
)
async def get_quiz(quiz_id: uuid.UUID, links: MediaLinksDep, session: SessionDep) -> QuizOut:
    """Answers the quiz with its questions and choices, without the answers.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** a quiz that is not published is a 404.

    **Retries:** a read; repeating it changes nothing.
    """
    return await reading.get_quiz(links, session, quiz_id)


# --- one explorer --------------------------------------------------------------------------


@profile_router.post(
    "/quizzes/{quiz_id}/attempts",
    response_model=AttemptOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        **SCOPED,
        200: {
            "model": AttemptOut,
            "description": "The open attempt, resumed",
            "content": {"application/json": {"example": START_ATTEMPT_OUT}},
        },
        **response_example(201, START_ATTEMPT_OUT),
    },
    summary="Start an attempt at a quiz, or resume the one open.",
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
    """Starts an attempt at the quiz (201), or answers the attempt already open on it (200).

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** the quiz must be published (404); an explorer whose limits lock play (bedtime, or
    today's allowance used up) gets 403 `limit_reached` with `Retry-After` until play is allowed
    again.

    **Retries:** idempotent: one open attempt per quiz, so a retry answers the same attempt
    (200).
    """
    await limits_service.check_play(session, caller, profile.id, clock())
    attempt, created = await attempts.start(links, session, profile.id, quiz_id, clock())
    if not created:
        response.status_code = status.HTTP_200_OK
    return attempt


@hot_router.put(
    "/attempts/{attempt_id}/answers/{question_id}",
    response_model=AnswerOut,
    responses={
        **WRITE_ERRORS,
        **response_example(200, ANSWER_QUESTION_OUT),
    },
    summary="Answer one question of an attempt.",
    openapi_extra=request_example(ANSWER),
)
async def answer_question(
    attempt_id: uuid.UUID,
    question_id: uuid.UUID,
    body: AnswerBody,
    profile_id: uuid.UUID,
    conn: PlayTransaction,
    clock: ClockDep,
) -> Response:
    """Records the explorer's answer and says whether it was right (with a hint when it was not).

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** the attempt must be open (409 `attempt_closed`) and the question in it (404
    `unknown_question`); in `instant` mode a different answer to an answered question is a 409
    `already_answered`; in `at_end` mode it replaces the first; an explorer whose limits lock
    play (bedtime, or today's allowance used up) gets 403 `limit_reached` with `Retry-After`
    until play is allowed again.

    **Retries:** idempotent: the same answer again counts once and answers the same.
    """
    answer = await attempts.answer(
        conn, profile_id, attempt_id, question_id, body.answer(), clock()
    )
    return model_response(answer)


@profile_router.post(
    "/attempts/{attempt_id}/submit",
    response_model=AttemptResult,
    responses={
        **SCOPED,
        **response_example(200, SUBMIT_ATTEMPT_OUT),
    },
    summary="Finish an attempt: the score, each question's result, passed or not, and stars.",
)
async def submit_attempt(
    attempt_id: uuid.UUID, profile: ProfileDep, session: SessionDep, clock: ClockDep
) -> AttemptResult:
    """Closes the attempt and answers its result; mastery and badges follow.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** the attempt must be the explorer's (404).

    **Retries:** idempotent: submitting a closed attempt again answers its result as it was
    closed and changes nothing.
    """
    return await attempts.submit(session, profile.id, attempt_id, clock())


@profile_router.get(
    "/quizzes/next",
    response_model=NextQuiz,
    responses={
        **SCOPED,
        **response_example(200, GET_NEXT_QUIZ_OUT),
    },
    summary="Find the quiz to take next on this content, at the level that fits.",
)
async def get_next_quiz(
    profile: ProfileDep,
    session: SessionDep,
    clock: ClockDep,
    content_kind: ContentKind,
    content_id: uuid.UUID,
) -> NextQuiz:
    """Answers the published quiz on the item that suits the explorer's results so far.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** an item with no published quiz answers 200 with no suggestion.

    **Retries:** a read; repeating it changes nothing.
    """
    return await results.next_quiz(session, profile, content_kind, content_id, clock())


@profile_router.get(
    "/quiz-results",
    response_model=QuizResultPage,
    responses={
        **SCOPED,
        **problem_responses(400),
        **response_example(200, LIST_QUIZ_RESULTS_OUT),
    },
    summary="List the explorer's results per quiz: best score, attempts, mastered.",
)
async def list_quiz_results(
    profile: ProfileDep, session: SessionDep, clock: ClockDep, page: PageParamsDep
) -> QuizResultPage:
    """Lists, per quiz taken, the best score, the number of attempts and whether it is mastered,
    latest first.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets 404
    (anonymous callers 401).

    **Rules:** `limit` is 1 to 100; a cursor is only valid as this list returned it.

    **Retries:** a read; repeating it changes nothing.
    """
    return await results.results(session, profile.id, clock(), page.limit, page.cursor)


# --- editors -------------------------------------------------------------------------------


@admin_router.get(
    "",
    response_model=AdminQuizPage,
    responses={**problem_responses(400, 401, 403, 422), **response_example(200, ADMIN_QUIZ_PAGE)},
    summary="List quizzes of every status for editing, newest first.",
)
async def admin_list_quizzes(
    principal: EditorPrincipal,
    session: SessionDep,
    page: PageParamsDep,
    content_id: uuid.UUID | None = None,
    status_: Annotated[QuizStatus | None, Query(alias="status")] = None,
) -> AdminQuizPage:
    """Lists quizzes as editors see them (drafts, published, archived), optionally of one item or
    status, in cursor pages.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** `limit` is 1 to 100; a cursor is only valid as this list returned it.

    **Retries:** a read; repeating it changes nothing.
    """
    return await authoring.admin_list(session, content_id, status_, page.limit, page.cursor)


async def _answered(session: SessionDep, quiz_id: uuid.UUID, response: Response) -> AdminQuiz:
    """The quiz as an editor reads it, its ETag in the response's headers."""
    detail = await authoring.admin_detail(session, quiz_id)
    response.headers["ETag"] = authoring.version(detail)
    return detail


@admin_router.post(
    "",
    response_model=AdminQuiz,
    status_code=201,
    responses={**WRITE_ERRORS, **ETAG, **response_example(201, ADMIN_QUIZ)},
    summary="Create a quiz as a draft.",
    openapi_extra=request_example(QUIZ_IN),
)
async def admin_create_quiz(
    body: QuizIn, principal: EditorPrincipal, session: SessionDep, response: Response
) -> AdminQuiz:
    """Creates a quiz on a content item with its questions and choices, as a draft.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** the item must exist; each question has exactly the right number of correct
    choices; every picture or sound named must be a known asset (422).

    **Retries:** not idempotent: each request creates another quiz.
    """
    quiz_id = await authoring.create(session, body)
    return await _answered(session, quiz_id, response)


@admin_router.post(
    "/bulk",
    response_model=BulkResult,
    status_code=201,
    responses={**WRITE_ERRORS, **response_example(201, QUIZ_BULK_RESULT)},
    summary="Create many quizzes at once: all or nothing, with the errors of every item.",
    openapi_extra=request_example({"items": [QUIZ_IN]}),
)
async def admin_bulk_create_quizzes(
    body: QuizBulk, principal: EditorPrincipal, session: SessionDep
) -> BulkResult:
    """Creates quizzes in one transaction and answers their ids in the order sent.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** every quiz is checked as a single create is before any is written; one problem
    creates nothing, and the 422 lists the errors of every item.

    **Retries:** not idempotent: a repeat creates the quizzes again.
    """
    return BulkResult(ids=await authoring.bulk_create(session, body.items))


@admin_router.get(
    "/{quiz_id}",
    response_model=AdminQuiz,
    responses={
        **problem_responses(401, 403, 404, 422),
        **response_example(200, ADMIN_QUIZ, headers=ETAG[200]["headers"]),
    },
    summary="Read one quiz with its answers, and its ETag.",
)
async def admin_get_quiz(
    quiz_id: Annotated[uuid.UUID, path_example(DEMO_QUIZ)],
    principal: EditorPrincipal,
    session: SessionDep,
    response: Response,
) -> AdminQuiz:
    """Answers the quiz with which choices are right, and its version in the `ETag` header (send it
    as `If-Match` to edit).

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404.

    **Retries:** a read; repeating it changes nothing.
    """
    return await _answered(session, quiz_id, response)


@admin_router.patch(
    "/{quiz_id}",
    response_model=AdminQuiz,
    responses={
        **WRITE_ERRORS,
        **problem_responses(412, 428),
        **response_example(200, ADMIN_QUIZ, headers=ETAG[200]["headers"]),
    },
    summary="Change some fields of a quiz, based on the version read (If-Match).",
    openapi_extra=request_example(QUIZ_PATCH),
)
async def admin_update_quiz(
    quiz_id: Annotated[uuid.UUID, path_example(DEMO_QUIZ)],
    body: QuizPatch,
    principal: EditorPrincipal,
    session: SessionDep,
    response: Response,
    # Required in the document; missing, it is a 428 (app/core/errors.py), not a 422.
    if_match: Annotated[str, Header(description=IF_MATCH, openapi_examples=ANY_VERSION)],
) -> AdminQuiz:
    """Merges the fields sent into the quiz and answers the result with its new ETag.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** `If-Match` is required (428): the ETag read, or `*`; a stale one is a 412; the
    merged quiz is checked as a create is.

    **Retries:** idempotent with the ETag read: a retry after success is a 412 and writes
    nothing twice.
    """
    await authoring.update(session, quiz_id, body, if_match)
    return await _answered(session, quiz_id, response)


@admin_router.delete(
    "/{quiz_id}",
    response_model=Deleted,
    responses={**WRITE_ERRORS, **response_example(200, QUIZ_DELETED)},
    summary="Delete a quiz; one that explorers took is archived instead.",
)
async def admin_delete_quiz(
    quiz_id: Annotated[uuid.UUID, path_example(DEMO_QUIZ)],
    principal: EditorPrincipal,
    session: SessionDep,
) -> Deleted:
    """Deletes a quiz nobody took; one with attempts is archived so results are kept.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404.

    **Retries:** a repeat after success is a 404 (or leaves it archived).
    """
    return await authoring.delete(session, quiz_id)


@admin_router.post(
    "/{quiz_id}/publish",
    response_model=AdminQuiz,
    responses={
        **WRITE_ERRORS,
        **response_example(200, ADMIN_QUIZ, headers=ETAG[200]["headers"]),
    },
    summary="Publish a quiz: explorers see it.",
)
async def admin_publish_quiz(
    quiz_id: Annotated[uuid.UUID, path_example(DEMO_QUIZ)],
    principal: EditorPrincipal,
    session: SessionDep,
    response: Response,
) -> AdminQuiz:
    """Makes the quiz `published`.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** every picture and sound attached must be ready (409 `asset_not_ready`).

    **Retries:** idempotent: publishing it again keeps it published.
    """
    await authoring.set_status(session, quiz_id, "publish")
    return await _answered(session, quiz_id, response)


@admin_router.post(
    "/{quiz_id}/unpublish",
    response_model=AdminQuiz,
    responses={
        **WRITE_ERRORS,
        **response_example(200, ADMIN_QUIZ, headers=ETAG[200]["headers"]),
    },
    summary="Take a quiz back to draft: explorers no longer see it.",
)
async def admin_unpublish_quiz(
    quiz_id: Annotated[uuid.UUID, path_example(DEMO_QUIZ)],
    principal: EditorPrincipal,
    session: SessionDep,
    response: Response,
) -> AdminQuiz:
    """Makes the quiz a draft.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404.

    **Retries:** idempotent: the same request again leaves it a draft.
    """
    await authoring.set_status(session, quiz_id, "unpublish")
    return await _answered(session, quiz_id, response)


@admin_router.post(
    "/{quiz_id}/archive",
    response_model=AdminQuiz,
    responses={
        **WRITE_ERRORS,
        **response_example(200, ADMIN_QUIZ, headers=ETAG[200]["headers"]),
    },
    summary="Archive a quiz: explorers no longer see it; their results stay.",
)
async def admin_archive_quiz(
    quiz_id: Annotated[uuid.UUID, path_example(DEMO_QUIZ)],
    principal: EditorPrincipal,
    session: SessionDep,
    response: Response,
) -> AdminQuiz:
    """Makes the quiz `archived`.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404.

    **Retries:** idempotent: archiving it again leaves it archived.
    """
    await authoring.set_status(session, quiz_id, "archive")
    return await _answered(session, quiz_id, response)


@admin_router.post(
    "/{quiz_id}/questions/reorder",
    response_model=AdminQuiz,
    responses={
        **WRITE_ERRORS,
        **response_example(200, ADMIN_QUIZ, headers=ETAG[200]["headers"]),
    },
    summary="Put a quiz's questions in a new order.",
    openapi_extra=request_example(REORDER_QUESTIONS),
)
async def admin_reorder_questions(
    quiz_id: Annotated[uuid.UUID, path_example(DEMO_QUIZ)],
    body: ReorderIn,
    principal: EditorPrincipal,
    session: SessionDep,
    response: Response,
) -> AdminQuiz:
    """Sets the order of the quiz's questions to the list sent.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** the list names every question of the quiz exactly once (422).

    **Retries:** idempotent: the same list again gives the same order.
    """
    await authoring.reorder(session, quiz_id, body.ids)
    return await _answered(session, quiz_id, response)


@admin_router.get(
    "/{quiz_id}/stats",
    response_model=QuizStats,
    responses={**problem_responses(401, 403, 404, 422), **response_example(200, QUIZ_STATS)},
    summary="Read per-question statistics of a quiz.",
)
async def admin_quiz_stats(
    quiz_id: Annotated[uuid.UUID, path_example(DEMO_QUIZ)],
    principal: EditorPrincipal,
    session: SessionDep,
    clock: ClockDep,
    from_: Annotated[date | None, Query(alias="from", description="First day (UTC)")] = None,
    to: Annotated[date | None, Query(description="Last day (UTC), included")] = None,
) -> QuizStats:
    """Answers per question: attempts, share correct, hints used, the wrong choice chosen most, and
    flags for questions that look too hard or too easy.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** an unknown id is a 404.

    **Retries:** a read; repeating it changes nothing.
    """
    return await analytics.stats(session, quiz_id, from_, to, clock())
