"""Quizzes: authoring, public reads, attempts and scoring, results, the adaptive next quiz,
question analytics, and data rights.

Rules (README, "Quizzes"): the server scores; an answer sent twice counts once; in instant
mode a question is answered once (a different second answer is a 409: no guess farming), in
at_end mode answers change until the attempt is submitted; ordering is all or nothing,
multiple choice needs the exact set, a hint halves the question's points (and once seen it
stays seen). An attempt left open for ATTEMPT_TTL is closed and scored as it stands: lazily
by whatever reads it, and by the `close-quiz-attempts` job. The explorer's result for a
quiz is their best attempt; the quiz is mastered once passed.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal

import asyncpg
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog.params import CATALOG_TAG
from app.core.cache import invalidate_after_commit
from app.core.errors import Conflict, FieldError, NotFound, UnprocessableEntity
from app.core.pagination import decode_cursor, encode_cursor, parse_datetime
from app.core.schema import table_of
from app.media import service as media_service
from app.profiles import service as profiles_service
from app.profiles.models import Profile
from app.quizzes import queries
from app.quizzes.models import Quiz, QuizChoice, QuizQuestion
from app.quizzes.schemas import (
    AdminQuestion,
    AdminQuiz,
    AdminQuizItem,
    AdminQuizPage,
    AnswerIn,
    AnswerOut,
    AttemptOut,
    AttemptResult,
    ChoiceOut,
    ContentKind,
    Deleted,
    Difficulty,
    NextQuiz,
    QuestionIn,
    QuestionOut,
    QuestionResult,
    QuestionStats,
    QuestionType,
    QuizCounts,
    QuizIn,
    QuizOut,
    QuizPage,
    QuizPatch,
    QuizResult,
    QuizResultPage,
    QuizStats,
    QuizStatus,
    QuizSummary,
    WrongChoice,
)
from app.runtime import Runtime

ATTEMPT_TTL = timedelta(hours=24)
LEVELS = [Difficulty.easy, Difficulty.medium, Difficulty.hard]
# Where an explorer starts, by age band.
START_LEVEL = {"3-5": Difficulty.easy, "6-8": Difficulty.medium, "9-12": Difficulty.hard}
FAILS_TO_STEP_DOWN = 2
THREE_STARS_PERCENT = 90
TOO_HARD = 0.30
TOO_EASY = 0.95
# Fewer finished attempts than this say nothing about a question yet.
MIN_ATTEMPTS = 5
DEFAULT_STATS_DAYS = 30
MAX_STATS_DAYS = 366

ONE_CORRECT = {QuestionType.single_choice, QuestionType.picture_choice, QuestionType.true_false}
_rng = secrets.SystemRandom()


def _err(loc: Sequence[str | int], msg: str, kind: str) -> FieldError:
    return FieldError(loc=list(loc), msg=msg, type=kind)


def _invalid(errors: list[FieldError], detail: str | None = None) -> UnprocessableEntity:
    return UnprocessableEntity(detail or errors[0].msg, errors=errors)


def _changed(session: AsyncSession) -> None:
    # Content pages list their quizzes and are cached: drop them once this commits.
    invalidate_after_commit(session, CATALOG_TAG)


# --- reading quizzes ---------------------------------------------------------------------


@dataclass
class _Loaded:
    """Quizzes with their questions and choices, in position order, and signed URLs."""

    questions: dict[uuid.UUID, list[asyncpg.Record]]
    choices: dict[uuid.UUID, list[asyncpg.Record]]
    urls: dict[uuid.UUID, str | None]


async def _load(
    runtime: Runtime | None,
    session: AsyncSession,
    conn: asyncpg.Connection[Any],
    quiz_ids: Sequence[uuid.UUID],
) -> _Loaded:
    questions: dict[uuid.UUID, list[asyncpg.Record]] = defaultdict(list)
    choices: dict[uuid.UUID, list[asyncpg.Record]] = defaultdict(list)
    question_rows = await queries.questions_of(conn, quiz_ids)
    for row in question_rows:
        questions[row["quiz_id"]].append(row)
    for row in await queries.choices_of(conn, [r["id"] for r in question_rows]):
        choices[row["question_id"]].append(row)
    urls: dict[uuid.UUID, str | None] = {}
    if runtime is not None:
        ids = [
            a
            for r in question_rows
            for a in (r["image_asset_id"], r["narration_asset_id"])
            if a is not None
        ]
        ids += [c["image_asset_id"] for cs in choices.values() for c in cs if c["image_asset_id"]]
        settings = runtime.settings
        # The catalogue's way to short-lived signed URLs (media service), for every asset.
        urls = await media_service.download_urls(
            session,
            runtime.storage,
            ids,
            settings.download_url_minutes,
            settings.media_cdn_base_url,
        )
    return _Loaded(questions, choices, urls)


def _url(loaded: _Loaded, asset_id: uuid.UUID | None) -> str | None:
    return loaded.urls.get(asset_id) if asset_id else None


def _question_out(
    loaded: _Loaded, row: asyncpg.Record, order: Sequence[uuid.UUID] | None = None
) -> QuestionOut:
    choices = loaded.choices.get(row["id"], [])
    if order is not None:
        by_id = {c["id"]: c for c in choices}
        choices = [by_id[i] for i in order if i in by_id]
    elif row["type"] == QuestionType.ordering.value:
        # Never in the right order's positions: mixed up by id (random, and stable).
        choices = sorted(choices, key=lambda c: c["id"].hex)
    return QuestionOut(
        id=row["id"],
        type=QuestionType(row["type"]),
        prompt=row["prompt"],
        image_url=_url(loaded, row["image_asset_id"]),
        narration_url=_url(loaded, row["narration_asset_id"]),
        hint=row["hint"] or None,
        points=row["points"],
        choices=[
            ChoiceOut(id=c["id"], text=c["text"], image_url=_url(loaded, c["image_asset_id"]))
            for c in choices
        ],
    )


def _quiz_out(loaded: _Loaded, row: asyncpg.Record) -> QuizOut:
    return QuizOut(
        id=row["id"],
        content_kind=ContentKind(row["content_kind"]),
        content_id=row["content_id"],
        title=row["title"],
        difficulty=Difficulty(row["difficulty"]),
        pass_mark=row["pass_mark"],
        feedback_mode=row["feedback_mode"],
        time_suggestion_seconds=row["time_suggestion_seconds"],
        question_count=row["question_count"],
        questions=[_question_out(loaded, q) for q in loaded.questions.get(row["id"], [])],
    )


def _summary(row: asyncpg.Record) -> QuizSummary:
    return QuizSummary(
        id=row["id"],
        title=row["title"],
        difficulty=Difficulty(row["difficulty"]),
        question_count=row["question_count"],
    )


async def list_quizzes(
    runtime: Runtime,
    session: AsyncSession,
    content_kind: ContentKind | None,
    content_id: uuid.UUID | None,
    difficulty: Difficulty | None,
    limit: int,
    cursor: str | None,
) -> QuizPage:
    conn = await queries.connection(session)
    after = decode_cursor(cursor, parse_datetime, uuid.UUID) if cursor else None
    rows = await queries.visible_quizzes(
        conn,
        content_id,
        content_kind.value if content_kind else None,
        difficulty.value if difficulty else None,
        (after[0], after[1]) if after else None,
        limit + 1,
    )
    shown = rows[:limit]
    loaded = await _load(runtime, session, conn, [r["id"] for r in shown])
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor([shown[-1]["created_at"], shown[-1]["id"]])
    return QuizPage(items=[_quiz_out(loaded, r) for r in shown], next_cursor=next_cursor)


async def _visible_row(conn: asyncpg.Connection[Any], quiz_id: uuid.UUID) -> asyncpg.Record:
    row = await queries.visible_quiz(conn, quiz_id)
    if row is None:
        raise NotFound("No such quiz.")
    return row


async def get_quiz(runtime: Runtime, session: AsyncSession, quiz_id: uuid.UUID) -> QuizOut:
    conn = await queries.connection(session)
    row = await _visible_row(conn, quiz_id)
    return _quiz_out(await _load(runtime, session, conn, [quiz_id]), row)


async def summaries_for(
    session: AsyncSession, content_kind: str, content_id: uuid.UUID
) -> list[QuizSummary]:
    """The published quizzes of one video, eBook or DIY, easiest first (for its page)."""
    conn = await queries.connection(session)
    return [_summary(r) for r in await queries.summaries_for(conn, content_kind, content_id)]


# --- scoring -----------------------------------------------------------------------------


def _right_answer(qtype: str, choices: Sequence[asyncpg.Record]) -> list[uuid.UUID]:
    if qtype == QuestionType.ordering.value:
        return [c["id"] for c in choices]
    return [c["id"] for c in choices if c["correct"]]


def grade(
    qtype: str,
    right: Sequence[uuid.UUID],
    given: Sequence[uuid.UUID],
    hint_used: bool,
    points: int,
) -> tuple[bool, Decimal]:
    """Ordering: the whole order or nothing. Otherwise exactly the right set (for multiple
    choice every right choice and no wrong one). A hint halves the points."""
    if qtype == QuestionType.ordering.value:
        correct = list(given) == list(right)
    else:
        correct = set(given) == set(right)
    if not correct:
        return False, Decimal(0)
    return True, Decimal(points) / 2 if hint_used else Decimal(points)


def stars_for(percent: int, passed: bool) -> int:
    if passed and percent >= THREE_STARS_PERCENT:
        return 3
    return 2 if passed else 1


def _answer_error(msg: str, field: str, code: str = "invalid_answer") -> UnprocessableEntity:
    return _invalid([_err(["body", field], msg, code)])


def _checked_answer(qtype: str, choice_ids: Sequence[uuid.UUID], body: AnswerIn) -> list[uuid.UUID]:
    """The answer as stored: the picked choices, or the whole order of an ordering
    question. Anything that is not an answer to this question is a 422."""
    known = set(choice_ids)
    if qtype == QuestionType.ordering.value:
        if body.order is None:
            raise _answer_error("An ordering question is answered with `order`.", "order")
        if len(body.order) != len(known) or set(body.order) != known:
            raise _answer_error("`order` must hold every item of the question once.", "order")
        return list(body.order)
    if body.choice_ids is None:
        raise _answer_error("This question is answered with `choice_ids`.", "choice_ids")
    picked = list(body.choice_ids)
    if len(set(picked)) != len(picked):
        raise _answer_error("A choice is picked at most once.", "choice_ids")
    if not set(picked) <= known:
        raise _answer_error("Some of these choices are not this question's.", "choice_ids")
    if qtype == QuestionType.multiple_choice.value:
        if not picked:
            raise _answer_error("Pick at least one choice.", "choice_ids")
    elif len(picked) != 1:
        raise _answer_error("Pick exactly one choice.", "choice_ids")
    return picked


def _same_answer(qtype: str, a: Sequence[uuid.UUID], b: Sequence[uuid.UUID]) -> bool:
    return list(a) == list(b) if qtype == QuestionType.ordering.value else set(a) == set(b)


def _answer_out(
    qtype: str,
    question_id: uuid.UUID,
    given: Sequence[uuid.UUID],
    hint_used: bool,
    instant: Mapping[str, Any] | None = None,
) -> AnswerOut:
    ordering = qtype == QuestionType.ordering.value
    out = AnswerOut(
        question_id=question_id,
        choice_ids=None if ordering else list(given),
        order=list(given) if ordering else None,
        hint_used=hint_used,
    )
    if instant is not None:
        ids = list(instant["choice_ids"])
        flags = list(instant["correct_flags"])
        right = ids if ordering else [i for i, f in zip(ids, flags, strict=True) if f]
        out.correct = grade(qtype, right, given, hint_used, 1)[0]
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
    it ends): the request's (app/quizzes/router.py) or the front's (app/profiles/front.py)."""
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
    given = _checked_answer(qtype, ctx["choice_ids"], body)
    instant = ctx["feedback_mode"] == "instant"
    previous = ctx["answered_ids"]
    if previous is not None:
        if _same_answer(qtype, previous, given):
            hint = ctx["answered_hint"] if instant else ctx["answered_hint"] or body.hint_used
            if hint == ctx["answered_hint"]:
                # The same answer again (a retry): counted once, nothing written.
                return _answer_out(qtype, question_id, previous, hint, ctx if instant else None)
        elif instant:
            raise Conflict(
                "This question was answered already; the next one is waiting!",
                code="already_answered",
            )
    # A hint once seen stays seen, whatever a changed answer says.
    hint_used = body.hint_used or bool(ctx["answered_hint"])
    ids = list(ctx["choice_ids"])
    right = (
        ids
        if qtype == QuestionType.ordering.value
        else [i for i, f in zip(ids, ctx["correct_flags"], strict=True) if f]
    )
    correct, points = grade(qtype, right, given, hint_used, ctx["points"])
    await queries.save_response(
        conn, attempt_id, question_id, given, hint_used, correct, points, now
    )
    return _answer_out(qtype, question_id, given, hint_used, ctx if instant else None)


# --- attempts ----------------------------------------------------------------------------


def _status(row: asyncpg.Record) -> str:
    return str(row["closed_reason"] or "open")


async def _attempt_out(
    runtime: Runtime,
    session: AsyncSession,
    conn: asyncpg.Connection[Any],
    quiz: asyncpg.Record,
    attempt: asyncpg.Record,
) -> AttemptOut:
    loaded = await _load(runtime, session, conn, [quiz["id"]])
    by_id = {q["id"]: q for q in loaded.questions.get(quiz["id"], [])}
    orders = (
        json.loads(attempt["choice_orders"])
        if isinstance(attempt["choice_orders"], str)
        else attempt["choice_orders"]
    )
    questions = [
        _question_out(loaded, by_id[qid], [uuid.UUID(c) for c in orders.get(str(qid), [])])
        for qid in attempt["question_order"]
        if qid in by_id
    ]
    instant = quiz["feedback_mode"] == "instant"
    answers = []
    for response in await queries.responses_of(conn, attempt["id"]):
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
    runtime: Runtime,
    session: AsyncSession,
    profile_id: uuid.UUID,
    quiz_id: uuid.UUID,
    now: datetime,
) -> tuple[AttemptOut, bool]:
    """A new attempt, or the one already open on this quiz (resumed). Returns whether it is
    new."""
    conn = await queries.connection(session)
    quiz = await _visible_row(conn, quiz_id)
    await close_stale(conn, now, profile_id=profile_id)
    questions = await queries.questions_of(conn, [quiz_id])
    choices: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for c in await queries.choices_of(conn, [q["id"] for q in questions]):
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
        conn, uuid.uuid4(), quiz_id, profile_id, order, json.dumps(choice_orders), now
    )
    attempt = await queries.open_attempt(conn, profile_id, quiz_id)
    assert attempt is not None
    return await _attempt_out(runtime, session, conn, quiz, attempt), created is not None


async def _close(
    conn: asyncpg.Connection[Any], attempt: asyncpg.Record, now: datetime, reason: str
) -> None:
    """Scores the attempt as it stands, with the quiz as it is now, and closes it."""
    quiz = await queries.quiz_row(conn, attempt["quiz_id"])
    assert quiz is not None
    questions = {q["id"]: q for q in await queries.questions_of(conn, [quiz["id"]])}
    choices: dict[uuid.UUID, list[asyncpg.Record]] = defaultdict(list)
    for c in await queries.choices_of(conn, list(questions)):
        choices[c["question_id"]].append(c)
    shown = [qid for qid in attempt["question_order"] if qid in questions]
    responses = {r["question_id"]: r for r in await queries.responses_of(conn, attempt["id"])}
    score, graded_ids, graded_correct, graded_points = Decimal(0), [], [], []
    for qid in shown:
        question, response = questions[qid], responses.get(qid)
        if response is None:
            continue
        right = _right_answer(question["type"], choices[qid])
        correct, points = grade(
            question["type"],
            right,
            response["choice_ids"],
            response["hint_used"],
            question["points"],
        )
        score += points
        graded_ids.append(qid)
        graded_correct.append(correct)
        graded_points.append(points)
    max_score = sum(questions[qid]["points"] for qid in shown)
    percent = int((score * 100 / max_score).to_integral_value()) if max_score else 0
    passed = percent >= quiz["pass_mark"]
    await queries.close_attempt(
        conn,
        attempt["id"],
        now,
        reason,
        score,
        max_score,
        percent,
        passed,
        stars_for(percent, passed),
        graded_ids,
        graded_correct,
        graded_points,
    )


async def close_stale(
    conn: asyncpg.Connection[Any],
    now: datetime,
    *,
    profile_id: uuid.UUID | None = None,
    quiz_id: uuid.UUID | None = None,
) -> int:
    """Closes attempts open for ATTEMPT_TTL (at the moment they ran out), scored as they
    stand. Returns how many."""
    closed = 0
    while True:
        stale = await queries.stale_attempts(
            conn, now - ATTEMPT_TTL, profile_id=profile_id, quiz_id=quiz_id
        )
        for attempt in stale:
            await _close(conn, attempt, attempt["started_at"] + ATTEMPT_TTL, "expired")
        closed += len(stale)
        if len(stale) < 500:
            return closed


async def _result(conn: asyncpg.Connection[Any], attempt: asyncpg.Record) -> AttemptResult:
    quiz = await queries.quiz_row(conn, attempt["quiz_id"])
    assert quiz is not None
    questions = {q["id"]: q for q in await queries.questions_of(conn, [quiz["id"]])}
    choices: dict[uuid.UUID, list[asyncpg.Record]] = defaultdict(list)
    for c in await queries.choices_of(conn, list(questions)):
        choices[c["question_id"]].append(c)
    responses = {r["question_id"]: r for r in await queries.responses_of(conn, attempt["id"])}
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
                correct_choice_ids=_right_answer(question["type"], choices[qid]),
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
    conn = await queries.connection(session)
    attempt = await queries.attempt(conn, profile_id, attempt_id, lock=True)
    if attempt is None:
        raise NotFound("No such attempt.")
    if attempt["closed_at"] is None:
        expired = attempt["started_at"] + ATTEMPT_TTL <= now
        await _close(
            conn,
            attempt,
            attempt["started_at"] + ATTEMPT_TTL if expired else now,
            "expired" if expired else "submitted",
        )
        attempt = await queries.attempt(conn, profile_id, attempt_id)
        assert attempt is not None
    return await _result(conn, attempt)


# --- results and what to take next -------------------------------------------------------


async def results(
    session: AsyncSession, profile_id: uuid.UUID, now: datetime, limit: int, cursor: str | None
) -> QuizResultPage:
    conn = await queries.connection(session)
    await close_stale(conn, now, profile_id=profile_id)
    after = decode_cursor(cursor, parse_datetime, uuid.UUID) if cursor else None
    rows = await queries.results(
        conn, profile_id, (after[0], after[1]) if after else None, limit + 1
    )
    items = [
        QuizResult(
            quiz=_summary(r),
            content_kind=ContentKind(r["content_kind"]),
            content_id=r["content_id"],
            attempts=r["attempts"],
            best_percent=r["percent"],
            best_score=float(r["score"]),
            best_stars=r["stars"],
            mastered=r["mastered"],
            last_attempt_at=r["last_at"],
        )
        for r in rows[:limit]
    ]
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor([items[-1].last_attempt_at, items[-1].quiz.id])
    return QuizResultPage(items=items, next_cursor=next_cursor)


def suggest_level(
    start_level: Difficulty, history: Iterable[tuple[Difficulty, bool]]
) -> tuple[Difficulty, str]:
    """The level to take next: start at `start_level`, one up after a pass, one down after
    FAILS_TO_STEP_DOWN failed attempts at a level (counted since its last pass)."""
    level, reason = start_level, "start"
    fails: dict[Difficulty, int] = defaultdict(int)
    for at_level, passed in history:
        index = LEVELS.index(at_level)
        if passed:
            fails[at_level] = 0
            level = LEVELS[min(index + 1, len(LEVELS) - 1)]
            reason = "up" if level != at_level else "again"
        else:
            fails[at_level] += 1
            if fails[at_level] >= FAILS_TO_STEP_DOWN:
                fails[at_level] = 0
                level = LEVELS[max(index - 1, 0)]
                reason = "down" if level != at_level else "again"
            else:
                level, reason = at_level, "again"
    return level, reason


async def next_quiz(
    session: AsyncSession,
    profile: Profile,
    content_kind: ContentKind,
    content_id: uuid.UUID,
    now: datetime,
) -> NextQuiz:
    conn = await queries.connection(session)
    await close_stale(conn, now, profile_id=profile.id)
    rows = await queries.visible_quizzes(conn, content_id, content_kind.value, None, None, 100)
    if not rows:
        return NextQuiz(quiz=None, difficulty=None, reason="none")
    history = await queries.history_on_content(conn, profile.id, content_id)
    mastered = {h["quiz_id"] for h in history if h["passed"]}
    level, reason = suggest_level(
        START_LEVEL.get(profile.age_band, Difficulty.easy),
        [(Difficulty(h["difficulty"]), bool(h["passed"])) for h in history],
    )
    by_level: dict[Difficulty, list[asyncpg.Record]] = defaultdict(list)
    for row in rows:
        by_level[Difficulty(row["difficulty"])].append(row)
    # The nearest level that has a quiz, the suggested one first, then easier, then harder;
    # at that level a quiz not mastered yet, else one to practise again.
    index = LEVELS.index(level)
    nearest = sorted(LEVELS, key=lambda lv: (abs(LEVELS.index(lv) - index), LEVELS.index(lv)))
    candidate = next(lv for lv in nearest if by_level[lv])
    fresh = [r for r in by_level[candidate] if r["id"] not in mastered]
    if not any(r["id"] not in mastered for r in rows):
        reason = "all_mastered"
    return NextQuiz(
        quiz=_summary((fresh or by_level[candidate])[0]), difficulty=candidate, reason=reason
    )


async def counts_for(
    conn: asyncpg.Connection[Any], profile_id: uuid.UUID, since: datetime, until: datetime
) -> QuizCounts:
    """Quizzes taken and passed by one explorer between two instants."""
    row = await queries.counts(conn, profile_id, since, until)
    return QuizCounts(taken=row["taken"], passed=row["passed"])


# --- authoring ---------------------------------------------------------------------------


async def _content_exists(session: AsyncSession, kind: ContentKind, content_id: uuid.UUID) -> bool:
    return await queries.content_exists(await queries.connection(session), kind.value, content_id)


def _question_errors(question: QuestionIn, loc: list[str | int]) -> list[FieldError]:
    errors: list[FieldError] = []
    here = [*loc, "choices"]
    n_correct = sum(c.correct for c in question.choices)
    t = question.type
    if t is QuestionType.true_false and len(question.choices) != 2:
        errors.append(_err(here, "A true/false question has exactly two choices.", "choice_count"))
    elif t is QuestionType.ordering and len(question.choices) < 2:
        errors.append(_err(here, "An ordering question has at least two items.", "choice_count"))
    elif (
        t in (QuestionType.single_choice, QuestionType.multiple_choice, QuestionType.picture_choice)
        and len(question.choices) < 2
    ):
        errors.append(_err(here, "A question needs at least two choices.", "choice_count"))
    if t in ONE_CORRECT and n_correct != 1:
        errors.append(_err(here, "Exactly one choice must be correct.", "correct_count"))
    if t is QuestionType.multiple_choice and n_correct < 1:
        errors.append(_err(here, "At least one choice must be correct.", "correct_count"))
    for index, choice in enumerate(question.choices):
        if t is QuestionType.picture_choice and choice.image_asset_id is None:
            errors.append(
                _err(
                    [*here, index, "image_asset_id"],
                    "A picture choice needs an image.",
                    "missing_image",
                )
            )
        elif not choice.text and choice.image_asset_id is None:
            errors.append(
                _err([*here, index, "text"], "A choice needs text or an image.", "empty_choice")
            )
    return errors


def _assets_of(body: QuizIn | QuizPatch) -> list[tuple[list[str | int], uuid.UUID, str]]:
    """(location, asset, kind it must be) of every asset the quiz attaches."""
    found: list[tuple[list[str | int], uuid.UUID, str]] = []
    for qi, question in enumerate(body.questions or []):
        at: list[str | int] = ["questions", qi]
        if question.image_asset_id:
            found.append(([*at, "image_asset_id"], question.image_asset_id, "image"))
        if question.narration_asset_id:
            found.append(([*at, "narration_asset_id"], question.narration_asset_id, "audio"))
        for ci, choice in enumerate(question.choices):
            if choice.image_asset_id:
                found.append(
                    ([*at, "choices", ci, "image_asset_id"], choice.image_asset_id, "image")
                )
    return found


async def check(
    session: AsyncSession, body: QuizIn | QuizPatch, prefix: list[str | int]
) -> list[FieldError]:
    """Every rule pydantic cannot hold: the content exists, each question type's choices,
    the assets exist, are of the right kind, and a picture choice's image is ready."""
    errors: list[FieldError] = []
    if isinstance(body, QuizIn) and not await _content_exists(
        session, body.content_kind, body.content_id
    ):
        errors.append(
            _err([*prefix, "content_id"], f"No such {body.content_kind.value}.", "unknown_content")
        )
    for index, question in enumerate(body.questions or []):
        errors += _question_errors(question, [*prefix, "questions", index])
    attached = _assets_of(body)
    assets = await media_service.existing(session, [a for _, a, _ in attached])
    picture_choices = {
        (qi, ci)
        for qi, q in enumerate(body.questions or [])
        if q.type is QuestionType.picture_choice
        for ci in range(len(q.choices))
    }
    for loc, asset_id, kind in attached:
        asset = assets.get(asset_id)
        where = [*prefix, *loc]
        if asset is None:
            errors.append(_err(where, f"No media asset {asset_id}.", "unknown_asset"))
        elif asset.kind != kind:
            errors.append(
                _err(where, f"This asset is {asset.kind}, not {kind}.", "wrong_asset_kind")
            )
        elif len(loc) == 5 and (loc[1], loc[3]) in picture_choices and asset.status != "ready":
            errors.append(_err(where, "This image is not ready yet.", "asset_not_ready"))
    return errors


async def _require_ready(session: AsyncSession, quiz_id: uuid.UUID) -> None:
    """Publishing: every attached asset is ready (a 422 naming each one that is not)."""
    detail = await admin_detail(session, quiz_id)
    body = QuizPatch.model_validate({"questions": [_question_input(q) for q in detail.questions]})
    attached = _assets_of(body)
    assets = await media_service.existing(session, [a for _, a, _ in attached])
    errors = [
        _err(["body", *loc], f"Media asset {asset_id} is not ready.", "asset_not_ready")
        for loc, asset_id, _ in attached
        if assets.get(asset_id) is None or assets[asset_id].status != "ready"
    ]
    if errors:
        raise _invalid(errors, "Every picture and sound of a quiz must be ready to publish it.")


def _question_input(q: AdminQuestion) -> dict[str, Any]:
    return {
        "id": q.id,
        "type": q.type,
        "prompt": q.prompt,
        "image_asset_id": q.image_asset_id,
        "narration_asset_id": q.narration_asset_id,
        "hint": q.hint,
        "explanation": q.explanation,
        "points": q.points,
        "choices": [
            {
                "id": c.id,
                "text": c.text,
                "image_asset_id": c.image_asset_id,
                "correct": c.correct,
                "feedback": c.feedback,
            }
            for c in q.choices
        ],
    }


async def _write_questions(
    session: AsyncSession, quiz_id: uuid.UUID, questions: list[QuestionIn]
) -> None:
    """Makes the quiz's questions exactly `questions`: those sent with an id of this quiz
    are updated in place (their answers and statistics stay), the rest are new; questions and
    choices left out are deleted."""
    qt, ct = table_of(QuizQuestion).c, table_of(QuizChoice).c
    existing = {
        q.id: q
        for q in (
            await session.execute(sa.select(QuizQuestion).where(qt.quiz_id == quiz_id))
        ).scalars()
    }
    existing_choices = (
        {
            c.id: c
            for c in (
                await session.execute(
                    sa.select(QuizChoice).where(ct.question_id.in_(list(existing)))
                )
            ).scalars()
        }
        if existing
        else {}
    )
    kept_questions = {q.id for q in questions if q.id in existing}
    kept_choices = {
        c.id
        for q in questions
        if q.id in existing
        for c in q.choices
        if c.id in existing_choices and existing_choices[c.id].question_id == q.id
    }
    for choice_id, old in existing_choices.items():
        if choice_id not in kept_choices:
            await session.delete(old)
    for question_id, question in existing.items():
        if question_id not in kept_questions:
            await session.delete(question)
    await session.flush()
    for position, q in enumerate(questions):
        data = q.model_dump(exclude={"id", "choices"})
        data["type"] = q.type.value
        row = existing.get(q.id) if q.id in kept_questions else None
        if row is None:
            row = QuizQuestion(quiz_id=quiz_id, position=position, **data)
            session.add(row)
        else:
            for field, value in data.items():
                setattr(row, field, value)
            row.position = position
        await session.flush()
        for c_position, c in enumerate(q.choices):
            values = c.model_dump(exclude={"id"})
            if q.type is QuestionType.ordering:
                values["correct"] = True  # every item belongs; the order is the answer
            choice: QuizChoice | None = existing_choices.get(c.id) if c.id in kept_choices else None
            if choice is None:
                session.add(QuizChoice(question_id=row.id, position=c_position, **values))
            else:
                for field, value in values.items():
                    setattr(choice, field, value)
                choice.position = c_position
    await session.flush()


def _content_columns(kind: ContentKind, content_id: uuid.UUID) -> dict[str, Any]:
    return {"content_kind": kind.value, f"{kind.value}_id": content_id}


async def create(
    session: AsyncSession, body: QuizIn, prefix: list[str | int] | None = None
) -> uuid.UUID:
    errors = await check(session, body, ["body", *(prefix or [])])
    if errors:
        raise _invalid(errors)
    quiz = Quiz(
        **_content_columns(body.content_kind, body.content_id),
        title=body.title,
        difficulty=body.difficulty.value,
        pass_mark=body.pass_mark,
        feedback_mode=body.feedback_mode.value,
        shuffle_questions=body.shuffle_questions,
        shuffle_choices=body.shuffle_choices,
        time_suggestion_seconds=body.time_suggestion_seconds,
    )
    session.add(quiz)
    await session.flush()
    await _write_questions(session, quiz.id, body.questions)
    _changed(session)
    return quiz.id


async def bulk_create(session: AsyncSession, bodies: list[QuizIn]) -> list[uuid.UUID]:
    """All or nothing: every quiz is checked first, and the errors of all of them reported."""
    errors: list[FieldError] = []
    for index, body in enumerate(bodies):
        errors += await check(session, body, ["body", "items", index])
    if errors:
        raise _invalid(errors, f"{len(errors)} problem(s); nothing was created.")
    return [await create(session, body) for body in bodies]


async def _locked(session: AsyncSession, quiz_id: uuid.UUID) -> Quiz:
    quiz = await session.get(Quiz, quiz_id, with_for_update=True, populate_existing=True)
    if quiz is None:
        raise NotFound("No such quiz.")
    return quiz


async def update(session: AsyncSession, quiz_id: uuid.UUID, body: QuizPatch) -> None:
    quiz = await _locked(session, quiz_id)
    errors = await check(session, body, ["body"])
    if errors:
        raise _invalid(errors)
    for field, value in body.model_dump(exclude_unset=True, exclude={"questions"}).items():
        if value is None and field != "time_suggestion_seconds":
            continue
        setattr(quiz, field, value.value if hasattr(value, "value") else value)
    await session.flush()
    if body.questions is not None:
        await _write_questions(session, quiz.id, body.questions)
    if quiz.status in (QuizStatus.published.value, QuizStatus.scheduled.value):
        await _require_ready(session, quiz.id)
    _changed(session)


async def set_status(session: AsyncSession, quiz_id: uuid.UUID, action: str) -> None:
    quiz = await _locked(session, quiz_id)
    if action == "publish":
        await _require_ready(session, quiz.id)
        quiz.status = QuizStatus.published.value
        quiz.published_at = sa.func.clock_timestamp()  # type: ignore[assignment]
    elif action == "unpublish":
        quiz.status, quiz.published_at = QuizStatus.draft.value, None
    else:
        quiz.status = QuizStatus.archived.value
    await session.flush()
    _changed(session)


async def reorder(session: AsyncSession, quiz_id: uuid.UUID, ids: list[uuid.UUID]) -> None:
    await _locked(session, quiz_id)
    qt = table_of(QuizQuestion).c
    current = set((await session.execute(sa.select(qt.id).where(qt.quiz_id == quiz_id))).scalars())
    if len(ids) != len(set(ids)) or set(ids) != current:
        raise _invalid(
            [
                _err(
                    ["body", "ids"],
                    "List every question of this quiz exactly once.",
                    "not_a_permutation",
                )
            ]
        )
    for position, question_id in enumerate(ids):
        await session.execute(
            sa.update(table_of(QuizQuestion)).where(qt.id == question_id).values(position=position)
        )
    _changed(session)


async def delete(session: AsyncSession, quiz_id: uuid.UUID) -> Deleted:
    """Deletes a quiz nobody took; one with attempts is archived, so no explorer's results
    are lost."""
    quiz = await _locked(session, quiz_id)
    _changed(session)
    if await queries.attempt_count(await queries.connection(session), quiz_id):
        quiz.status = QuizStatus.archived.value
        await session.flush()
        return Deleted(id=quiz_id, outcome="archived")
    await session.delete(quiz)
    await session.flush()
    return Deleted(id=quiz_id, outcome="deleted")


async def admin_detail(session: AsyncSession, quiz_id: uuid.UUID) -> AdminQuiz:
    conn = await queries.connection(session)
    row = await queries.quiz_row(conn, quiz_id)
    if row is None:
        raise NotFound("No such quiz.")
    loaded = await _load(None, session, conn, [quiz_id])
    # Rows by column name straight into the schema (its fields are the columns' names).
    return AdminQuiz.model_validate(
        {
            **dict(row),
            "questions": [
                {**dict(q), "choices": [dict(c) for c in loaded.choices.get(q["id"], [])]}
                for q in loaded.questions.get(quiz_id, [])
            ],
        }
    )


async def admin_list(
    session: AsyncSession,
    content_id: uuid.UUID | None,
    status: QuizStatus | None,
    limit: int,
    cursor: str | None,
) -> AdminQuizPage:
    conn = await queries.connection(session)
    after = decode_cursor(cursor, parse_datetime, uuid.UUID) if cursor else (None, None)
    rows = await queries.admin_list(
        conn, content_id, status.value if status else None, after[0], after[1], limit + 1
    )
    items = [
        AdminQuizItem(
            id=r["id"],
            content_kind=ContentKind(r["content_kind"]),
            content_id=r["content_id"],
            title=r["title"],
            difficulty=Difficulty(r["difficulty"]),
            status=QuizStatus(r["status"]),
            question_count=r["question_count"],
            created_at=r["created_at"],
        )
        for r in rows[:limit]
    ]
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor([items[-1].created_at, items[-1].id])
    return AdminQuizPage(items=items, next_cursor=next_cursor)


# --- analytics ---------------------------------------------------------------------------


def _flag(attempts: int, share: float | None) -> str:
    if attempts < MIN_ATTEMPTS or share is None:
        return "not_enough_data"
    if share < TOO_HARD:
        return "too_hard"
    if share > TOO_EASY:
        return "too_easy"
    return "ok"


async def stats(
    session: AsyncSession,
    quiz_id: uuid.UUID,
    start: date | None,
    end: date | None,
    now: datetime,
) -> QuizStats:
    """Per question, over attempts finished between two UTC days (both included): no
    explorer is named or counted apart."""
    end = end or now.astimezone(UTC).date()
    start = start or end - timedelta(days=DEFAULT_STATS_DAYS - 1)
    if start > end:
        raise _invalid([_err(["query", "from"], "`from` is after `to`.", "value_error")])
    if (end - start).days >= MAX_STATS_DAYS:
        raise _invalid(
            [_err(["query", "to"], f"Ask for at most {MAX_STATS_DAYS} days.", "value_error")]
        )
    conn = await queries.connection(session)
    if await queries.quiz_row(conn, quiz_id) is None:
        raise NotFound("No such quiz.")
    await close_stale(conn, now, quiz_id=quiz_id)
    since = datetime.combine(start, time(), UTC)
    until = datetime.combine(end + timedelta(days=1), time(), UTC)
    overall, per_question, wrong = await queries.stats(conn, quiz_id, since, until)
    wrong_by_question = {w["question_id"]: w for w in wrong}
    questions = []
    for row in per_question:
        attempts = int(row["attempts"])
        share = row["correct"] / attempts if attempts else None
        w = wrong_by_question.get(row["id"])
        # Below the minimum a figure is one child's (a day with one attempt shows their
        # answer): counts say "fewer than 5", shares and the wrong choice are left out.
        enough = attempts >= MIN_ATTEMPTS
        questions.append(
            QuestionStats(
                question_id=row["id"],
                position=row["position"],
                prompt=row["prompt"],
                type=QuestionType(row["type"]),
                attempts=_small(attempts),
                answered=int(row["answered"]) if enough else _small(int(row["answered"])),
                correct_share=round(share, 3) if enough and share is not None else None,
                hint_share=round(row["hints"] / attempts, 3) if enough else None,
                most_chosen_wrong_choice=WrongChoice(
                    choice_id=w["id"], text=w["text"], times=int(w["times"])
                )
                if w and enough
                else None,
                flag=_flag(attempts, share),
            )
        )
    total = int(overall["attempts"])
    average = overall["average_percent"] if total >= MIN_ATTEMPTS else None
    passed = overall["passed_share"] if total >= MIN_ATTEMPTS else None
    return QuizStats(
        quiz_id=quiz_id,
        from_=start,
        to=end,
        min_attempts=MIN_ATTEMPTS,
        attempts=_small(total),
        passed_share=round(passed, 3) if passed is not None else None,
        average_percent=round(average, 1) if average is not None else None,
        questions=questions,
    )


def _small(count: int) -> int | Literal["fewer than 5"]:
    """A count of attempts from 1 to MIN_ATTEMPTS - 1 could point at a child."""
    return "fewer than 5" if 0 < count < MIN_ATTEMPTS else count


# --- jobs and data rights ----------------------------------------------------------------


async def close_stale_attempts(runtime: Runtime) -> str:
    """The `close-quiz-attempts` job: every attempt open for a day, closed and scored."""
    async with runtime.db.session() as session:
        count = await close_stale(await queries.connection(session), datetime.now(UTC))
    return f"closed {count} quiz attempt(s) left open"


async def export_quizzes(session: AsyncSession, account_id: uuid.UUID) -> dict[str, Any]:
    """Every attempt of a family's explorers, with each answer, JSON-ready."""
    profile_ids = [p.id for p in await profiles_service.list_for(session, account_id)]
    attempts, responses = await queries.export_rows(await queries.connection(session), profile_ids)
    answers: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for r in responses:
        answers[r["attempt_id"]].append(
            {
                "question_id": str(r["question_id"]),
                "question": r["prompt"],
                "choice_ids": [str(c) for c in r["choice_ids"]],
                "hint_used": r["hint_used"],
                "correct": r["correct"],
                "points_awarded": float(r["points_awarded"]),
                "answered_at": r["answered_at"].isoformat(),
                "updated_at": r["updated_at"].isoformat(),
            }
        )
    return {
        "attempts": [
            {
                "id": str(a["id"]),
                "profile_id": str(a["profile_id"]),
                "quiz_id": str(a["quiz_id"]),
                "quiz_title": a["title"],
                "started_at": a["started_at"].isoformat(),
                "closed_at": a["closed_at"].isoformat() if a["closed_at"] else None,
                "status": a["closed_reason"] or "open",
                "score": float(a["score"]) if a["score"] is not None else None,
                "max_score": a["max_score"],
                "percent": a["percent"],
                "passed": a["passed"],
                "stars": a["stars"],
                "answers": answers.get(a["id"], []),
            }
            for a in attempts
        ]
    }


def quiz_assets() -> sa.Select[tuple[uuid.UUID]]:
    """Every asset quizzes use, so media housekeeping keeps them."""
    columns = [
        table_of(QuizQuestion).c.image_asset_id,
        table_of(QuizQuestion).c.narration_asset_id,
        table_of(QuizChoice).c.image_asset_id,
    ]
    union = sa.union_all(
        *(sa.select(column.label("id")).where(column.is_not(None)) for column in columns)
    ).subquery()
    return sa.select(union.c.id)
