"""Attempts: start (or resume), answer, submit, and closing the ones left open.

Rules (README, "Quizzes"): the server scores (app/quizzes/scoring.py); an answer sent twice
counts once; in instant mode a question is answered once (a different second answer is a 409:
no guess farming), in at_end mode answers change until the attempt is submitted; a hint once
seen stays seen. An attempt left open for ATTEMPT_TTL is closed and scored as it stands: lazily
by whatever reads it, and by the `close-quiz-attempts` job.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict, NotFound
from app.media.links import MediaLinks
from app.quizzes import queries, reading, scoring
from app.quizzes.queries import Row
from app.quizzes.schemas import (
    AnswerIn,
    AnswerOut,
    AttemptOut,
    AttemptResult,
    QuestionResult,
    QuestionType,
)
from app.rewards import service as rewards_service

if TYPE_CHECKING:
    from app.runtime import Runtime

ATTEMPT_TTL = timedelta(hours=24)
_rng = secrets.SystemRandom()


def _answer_out(
    qtype: str,
    question_id: uuid.UUID,
    given: Sequence[uuid.UUID],
    hint_used: bool,
    instant: Mapping[str, Any] | None = None,
) -> AnswerOut:
    """An answer as the explorer reads it back; in instant mode (`instant`: the question's
    choice ids, correct flags, feedbacks and explanation) with whether it is right."""
    ordering = qtype == QuestionType.ordering.value
    out = AnswerOut(
        question_id=question_id,
        choice_ids=None if ordering else list(given),
        order=list(given) if ordering else None,
        hint_used=hint_used,
    )
    if instant is not None:
        ids = list(instant["choice_ids"])
        right = scoring.right_answer(qtype, ids, list(instant["correct_flags"]))
        out.correct = scoring.grade(qtype, right, given, hint_used, 1)[0]
        out.explanation = instant["explanation"]
        feedback = dict(zip(ids, instant["feedbacks"], strict=True))
        out.feedback = [] if ordering else [feedback[i] for i in given if feedback.get(i)]
        out.correct_choice_ids = right
    return out


async def answer(
    conn: asyncpg.Connection[Any],
    profile_id: uuid.UUID,
    attempt_id: uuid.UUID,
    question_id: uuid.UUID,
    body: AnswerIn,
    now: datetime,
) -> AnswerOut:
    """Records one answer. `conn` must be in a transaction (the attempt's row is locked until
    it ends). The hot write of the module: raw asyncpg (app/quizzes/queries.py)."""
    ctx = await queries.answer_context(conn, attempt_id, profile_id, question_id)
    if ctx is None:
        raise NotFound("No such attempt.")
    if ctx["question_id"] is None or question_id not in ctx["question_order"]:
        raise NotFound("This question is not part of this attempt.", code="unknown_question")
    if ctx["closed_at"] is not None or ctx["started_at"] + ATTEMPT_TTL <= now:
        raise Conflict(
            "This attempt is finished; start a new one to play again.", code="attempt_closed"
        )
    qtype = ctx["type"]
    given = scoring.checked_answer(qtype, ctx["choice_ids"], body)
    instant = ctx["feedback_mode"] == "instant"
    has_hint = bool(ctx["has_hint"])
    asked = scoring.hint_counts(body.hint_used, has_hint)
    seen = scoring.hint_counts(bool(ctx["answered_hint"]), has_hint)
    previous = ctx["answered_ids"]
    if previous is not None:
        if scoring.same_answer(qtype, previous, given):
            hint = seen if instant else seen or asked
            if hint == seen:
                # The same answer again (a retry): counted once, nothing written.
                return _answer_out(qtype, question_id, previous, hint, ctx if instant else None)
        elif instant:
            raise Conflict(
                "This question was answered already; the next one is waiting!",
                code="already_answered",
            )
    # A hint once seen stays seen, whatever a changed answer says.
    hint_used = asked or seen
    right = scoring.right_answer(qtype, ctx["choice_ids"], ctx["correct_flags"])
    correct, points = scoring.grade(qtype, right, given, hint_used, ctx["points"])
    await queries.save_response(
        conn, attempt_id, question_id, given, hint_used, correct, points, now
    )
    return _answer_out(qtype, question_id, given, hint_used, ctx if instant else None)


def _status(row: Row) -> str:
    return str(row["closed_reason"] or "open")


async def _attempt_out(
    links: MediaLinks, session: AsyncSession, quiz: Row, attempt: Row
) -> AttemptOut:
    loaded = await reading.load(links, session, [quiz["id"]])
    by_id = {q["id"]: q for q in loaded.questions.get(quiz["id"], [])}
    orders = (
        json.loads(attempt["choice_orders"])
        if isinstance(attempt["choice_orders"], str)
        else attempt["choice_orders"]
    )
    questions = [
        reading.question_out(loaded, by_id[qid], [uuid.UUID(c) for c in orders.get(str(qid), [])])
        for qid in attempt["question_order"]
        if qid in by_id
    ]
    instant = quiz["feedback_mode"] == "instant"
    answers = []
    for response in await queries.responses_of(session, attempt["id"]):
        question = by_id.get(response["question_id"])
        if question is None:
            continue
        context = None
        if instant:
            choices = loaded.choices.get(question["id"], [])
            context = {
                "choice_ids": [c["id"] for c in choices],
                "correct_flags": [c["correct"] for c in choices],
                "feedbacks": [c["feedback"] for c in choices],
                "explanation": question["explanation"],
            }
        answers.append(
            _answer_out(
                question["type"],
                question["id"],
                response["choice_ids"],
                response["hint_used"],
                context,
            )
        )
    return AttemptOut(
        id=attempt["id"],
        quiz_id=quiz["id"],
        status=_status(attempt),
        feedback_mode=quiz["feedback_mode"],
        started_at=attempt["started_at"],
        expires_at=attempt["started_at"] + ATTEMPT_TTL,
        questions=questions,
        answers=answers,
    )


def _shuffled(items: list[uuid.UUID], shuffle: bool, avoid_same: bool = False) -> list[uuid.UUID]:
    out = list(items)
    if shuffle and len(out) > 1:
        _rng.shuffle(out)
        if avoid_same and out == items:
            out.reverse()
    return out


async def start(
    links: MediaLinks,
    session: AsyncSession,
    profile_id: uuid.UUID,
    quiz_id: uuid.UUID,
    now: datetime,
) -> tuple[AttemptOut, bool]:
    """A new attempt, or the one already open on this quiz (resumed). Returns whether it is
    new."""
    quiz = await reading.visible_row(session, quiz_id)
    await close_stale(session, now, profile_id=profile_id)
    questions = await queries.questions_of(session, [quiz_id])
    choices: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for c in await queries.choices_of(session, [q["id"] for q in questions]):
        choices[c["question_id"]].append(c["id"])
    order = _shuffled([q["id"] for q in questions], quiz["shuffle_questions"])
    # Items to put in order always come mixed up; other choices when the quiz says so.
    choice_orders = {
        str(q["id"]): [
            str(c)
            for c in _shuffled(
                choices[q["id"]],
                quiz["shuffle_choices"] or q["type"] == QuestionType.ordering.value,
                avoid_same=q["type"] == QuestionType.ordering.value,
            )
        ]
        for q in questions
    }
    created = await queries.start_attempt(
        session, uuid.uuid4(), quiz_id, profile_id, order, json.dumps(choice_orders), now
    )
    attempt = await queries.open_attempt(session, profile_id, quiz_id)
    assert attempt is not None
    return await _attempt_out(links, session, quiz, attempt), created


async def _questions_and_choices(
    session: AsyncSession, quiz_id: uuid.UUID
) -> tuple[dict[uuid.UUID, Row], dict[uuid.UUID, list[Row]]]:
    questions = {q["id"]: q for q in await queries.questions_of(session, [quiz_id])}
    choices: dict[uuid.UUID, list[Row]] = defaultdict(list)
    for c in await queries.choices_of(session, list(questions)):
        choices[c["question_id"]].append(c)
    return questions, choices


def _right(question: Row, choices: Sequence[Row]) -> list[uuid.UUID]:
    return scoring.right_answer(
        question["type"], [c["id"] for c in choices], [c["correct"] for c in choices]
    )


async def _close(session: AsyncSession, attempt: Row, now: datetime, reason: str) -> None:
    """Scores the attempt as it stands, with the quiz as it is now, and closes it; the
    badges the result earns are awarded with it (app/rewards)."""
    quiz = await queries.quiz_row(session, attempt["quiz_id"])
    assert quiz is not None
    questions, choices = await _questions_and_choices(session, quiz["id"])
    shown = [qid for qid in attempt["question_order"] if qid in questions]
    responses = {r["question_id"]: r for r in await queries.responses_of(session, attempt["id"])}
    earned = Decimal(0)
    graded: list[tuple[uuid.UUID, bool, Decimal]] = []
    for qid in shown:
        question, response = questions[qid], responses.get(qid)
        if response is None:
            continue
        correct, points = scoring.grade(
            question["type"],
            _right(question, choices[qid]),
            response["choice_ids"],
            scoring.hint_counts(response["hint_used"], bool(question["hint"])),
            question["points"],
        )
        earned += points
        graded.append((qid, correct, points))
    result = scoring.total(
        earned, sum(questions[qid]["points"] for qid in shown), quiz["pass_mark"]
    )
    await queries.close_attempt(
        session,
        attempt["id"],
        now,
        reason,
        score=result.score,
        max_score=result.max_score,
        percent=result.percent,
        passed=result.passed,
        stars=result.stars,
        graded=graded,
    )
    # In the same transaction: a quiz first passed or first mastered earns its badges once.
    await rewards_service.quiz_scored(
        session,
        attempt["profile_id"],
        quiz["id"],
        quiz["difficulty"],
        passed=result.passed,
        stars=result.stars,
        now=now,
    )


async def close_stale(
    session: AsyncSession,
    now: datetime,
    *,
    profile_id: uuid.UUID | None = None,
    quiz_id: uuid.UUID | None = None,
) -> int:
    """Closes attempts open for ATTEMPT_TTL (at the moment they ran out), scored as they
    stand. Returns how many."""
    closed, batch = 0, 500
    while True:
        stale = await queries.stale_attempts(
            session, now - ATTEMPT_TTL, profile_id=profile_id, quiz_id=quiz_id, limit=batch
        )
        for attempt in stale:
            await _close(session, attempt, attempt["started_at"] + ATTEMPT_TTL, "expired")
        closed += len(stale)
        if len(stale) < batch:
            return closed


async def close_stale_attempts(runtime: Runtime) -> str:
    """The `close-quiz-attempts` job: every attempt open for a day, closed and scored."""
    async with runtime.db.session() as session:
        count = await close_stale(session, runtime.clock())
    return f"closed {count} quiz attempt(s) left open"


async def _result(session: AsyncSession, attempt: Row) -> AttemptResult:
    quiz = await queries.quiz_row(session, attempt["quiz_id"])
    assert quiz is not None
    questions, choices = await _questions_and_choices(session, quiz["id"])
    responses = {r["question_id"]: r for r in await queries.responses_of(session, attempt["id"])}
    results = []
    for qid in attempt["question_order"]:
        question = questions.get(qid)
        if question is None:
            continue
        response = responses.get(qid)
        ordering = question["type"] == QuestionType.ordering.value
        given = list(response["choice_ids"]) if response else None
        results.append(
            QuestionResult(
                question_id=qid,
                prompt=question["prompt"],
                type=QuestionType(question["type"]),
                answered=response is not None,
                choice_ids=None if ordering else given,
                order=given if ordering else None,
                correct=bool(response and response["correct"]),
                hint_used=bool(response and response["hint_used"]),
                points=question["points"],
                points_awarded=float(response["points_awarded"]) if response else 0.0,
                explanation=question["explanation"],
                correct_choice_ids=_right(question, choices[qid]),
            )
        )
    return AttemptResult(
        attempt_id=attempt["id"],
        quiz_id=quiz["id"],
        status=attempt["closed_reason"],
        closed_at=attempt["closed_at"],
        score=float(attempt["score"]),
        max_score=attempt["max_score"],
        percent=attempt["percent"],
        pass_mark=quiz["pass_mark"],
        passed=attempt["passed"],
        stars=attempt["stars"],
        questions=results,
    )


async def submit(
    session: AsyncSession, profile_id: uuid.UUID, attempt_id: uuid.UUID, now: datetime
) -> AttemptResult:
    """Scores and closes the attempt; a closed one (submitted before, or run out) answers
    its result as it was closed."""
    attempt = await queries.attempt(session, profile_id, attempt_id, lock=True)
    if attempt is None:
        raise NotFound("No such attempt.")
    if attempt["closed_at"] is None:
        expired = attempt["started_at"] + ATTEMPT_TTL <= now
        await _close(
            session,
            attempt,
            attempt["started_at"] + ATTEMPT_TTL if expired else now,
            "expired" if expired else "submitted",
        )
        attempt = await queries.attempt(session, profile_id, attempt_id)
        assert attempt is not None
    return await _result(session, attempt)
