"""Every statement of the quizzes module (its seed aside).

Two ways in, by how hot the request is:

- Most functions run on the request's unit of work (`session: AsyncSession`): SQL text built
  once here, executed through the session, rows read by column name. Editors' writes go
  through the session as well, so they are in the same unit of work as everything else.
- Two paths run raw asyncpg on a connection (`conn`), each said where it is: answering a
  question (`answer_context`, `save_response`) and the quiz counts of the explorer's library
  screen (`counts`). bench/README.md measured both against a bare asyncpg floor with the same
  statements: the answer at 0.71 and the library at 0.82 (targets 0.50); an ORM session per
  request there measured 0.18-0.22 (DESIGN.md, 9).
"""

# SQL text from constants only; every value is bound.
# ruff: noqa: S608

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import asyncpg
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog.queries import visible
from app.core.schema import table_of
from app.quizzes.models import QuizChoice, QuizQuestion

# A row read by column name (a SQLAlchemy row mapping, or an asyncpg record on the hot paths).
Row = sa.RowMapping
KINDS = ("video", "ebook", "diy")


async def _all(session: AsyncSession, statement: sa.TextClause, **params: Any) -> list[Row]:
    return list((await session.execute(statement, params)).mappings())


async def _first(session: AsyncSession, statement: sa.TextClause, **params: Any) -> Row | None:
    return (await session.execute(statement, params)).mappings().first()


# --- quizzes, questions, choices -----------------------------------------------------------

CONTENT_ID = "coalesce(q.video_id, q.ebook_id, q.diy_id)"
# A quiz is visible while it is published (or scheduled and due) and its content is visible.
CONTENT_VISIBLE = (
    "(CASE q.content_kind "
    + " ".join(
        f"WHEN '{kind}' THEN EXISTS (SELECT 1 FROM {kind} c WHERE c.id = q.{kind}_id "
        f"AND {visible('c')})"
        for kind in ("video", "ebook")
    )
    + f" ELSE EXISTS (SELECT 1 FROM diy c WHERE c.id = q.diy_id AND {visible('c')}) END)"
)
VISIBLE_QUIZ = f"{visible('q')} AND {CONTENT_VISIBLE}"

QUIZ_COLUMNS = (
    f"q.id, q.content_kind, {CONTENT_ID} AS content_id, q.title, q.difficulty, q.status, "
    "q.published_at, q.pass_mark, q.feedback_mode, q.shuffle_questions, q.shuffle_choices, "
    "q.time_suggestion_seconds, q.created_at, q.updated_at, "
    "(SELECT count(*) FROM quiz_question qq WHERE qq.quiz_id = q.id) AS question_count"
)

_BY_CONTENT = (
    "(CAST(:content_id AS uuid) IS NULL OR q.video_id = :content_id "
    "OR q.ebook_id = :content_id OR q.diy_id = :content_id)"
)

_VISIBLE_LIST = sa.text(f"""
SELECT {QUIZ_COLUMNS} FROM quiz q
WHERE {VISIBLE_QUIZ} AND {_BY_CONTENT}
  AND (CAST(:kind AS text) IS NULL OR q.content_kind = :kind)
  AND (CAST(:difficulty AS text) IS NULL OR q.difficulty = :difficulty)
  AND (CAST(:after_at AS timestamptz) IS NULL
       OR (q.created_at, q.id) > (:after_at, CAST(:after_id AS uuid)))
ORDER BY q.created_at, q.id
LIMIT :limit
""")

_VISIBLE_ONE = sa.text(f"SELECT {QUIZ_COLUMNS} FROM quiz q WHERE q.id = :id AND {VISIBLE_QUIZ}")
_QUIZ_ROW = sa.text(f"SELECT {QUIZ_COLUMNS} FROM quiz q WHERE q.id = :id")

_SUMMARIES = {
    kind: sa.text(
        "SELECT q.id, q.title, q.difficulty, (SELECT count(*) FROM quiz_question qq "
        f"WHERE qq.quiz_id = q.id) AS question_count FROM quiz q "
        f"WHERE q.{kind}_id = :content_id AND {visible('q')} "
        "ORDER BY CASE q.difficulty WHEN 'easy' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, "
        "q.created_at, q.id"
    )
    for kind in KINDS
}

_QUESTIONS_OF = sa.text(
    "SELECT id, quiz_id, position, type, prompt, image_asset_id, narration_asset_id, hint, "
    "explanation, points FROM quiz_question WHERE quiz_id = ANY(CAST(:ids AS uuid[])) "
    "ORDER BY quiz_id, position"
)
_CHOICES_OF = sa.text(
    "SELECT id, question_id, position, text, image_asset_id, correct, feedback "
    "FROM quiz_choice WHERE question_id = ANY(CAST(:ids AS uuid[])) "
    "ORDER BY question_id, position"
)
_CONTENT_EXISTS = {kind: sa.text(f"SELECT 1 FROM {kind} WHERE id = :id") for kind in KINDS}

_ADMIN_LIST = sa.text(f"""
SELECT {QUIZ_COLUMNS} FROM quiz q
WHERE {_BY_CONTENT}
  AND (CAST(:status AS text) IS NULL OR q.status = :status)
  AND (CAST(:before_at AS timestamptz) IS NULL
       OR (q.created_at, q.id) < (:before_at, CAST(:before_id AS uuid)))
ORDER BY q.created_at DESC, q.id DESC LIMIT :limit
""")


async def visible_quizzes(
    session: AsyncSession,
    content_id: uuid.UUID | None,
    kind: str | None,
    difficulty: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Row]:
    when, ident = after or (None, None)
    return await _all(
        session,
        _VISIBLE_LIST,
        content_id=content_id,
        kind=kind,
        difficulty=difficulty,
        after_at=when,
        after_id=ident,
        limit=limit,
    )


async def visible_quiz(session: AsyncSession, quiz_id: uuid.UUID) -> Row | None:
    return await _first(session, _VISIBLE_ONE, id=quiz_id)


async def quiz_row(session: AsyncSession, quiz_id: uuid.UUID) -> Row | None:
    """Any quiz, whatever its status (results, admin)."""
    return await _first(session, _QUIZ_ROW, id=quiz_id)


async def summaries_for(session: AsyncSession, kind: str, content_id: uuid.UUID) -> list[Row]:
    return await _all(session, _SUMMARIES[kind], content_id=content_id)


async def questions_of(session: AsyncSession, quiz_ids: Sequence[uuid.UUID]) -> list[Row]:
    return await _all(session, _QUESTIONS_OF, ids=list(quiz_ids))


async def choices_of(session: AsyncSession, question_ids: Sequence[uuid.UUID]) -> list[Row]:
    return await _all(session, _CHOICES_OF, ids=list(question_ids))


async def content_exists(session: AsyncSession, kind: str, content_id: uuid.UUID) -> bool:
    """Any status: a quiz may be written for content that is not published yet."""
    return await _first(session, _CONTENT_EXISTS[kind], id=content_id) is not None


async def admin_list(
    session: AsyncSession,
    content_id: uuid.UUID | None,
    status: str | None,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Row]:
    when, ident = before or (None, None)
    return await _all(
        session,
        _ADMIN_LIST,
        content_id=content_id,
        status=status,
        before_at=when,
        before_id=ident,
        limit=limit,
    )


# --- editing (the unit of work's own objects) ----------------------------------------------

_QT, _CT = table_of(QuizQuestion).c, table_of(QuizChoice).c
_QUESTIONS_FOR_EDIT = sa.select(QuizQuestion).where(_QT.quiz_id == sa.bindparam("quiz_id"))
_CHOICES_FOR_EDIT = sa.select(QuizChoice).where(
    _CT.question_id.in_(sa.bindparam("ids", expanding=True))
)
_QUESTION_IDS = sa.select(_QT.id).where(_QT.quiz_id == sa.bindparam("quiz_id"))
# Positions are a deferred unique constraint: swapping them in one statement is fine.
_SET_POSITIONS = sa.text(
    "UPDATE quiz_question q SET position = t.position "
    "FROM unnest(CAST(:ids AS uuid[]), CAST(:positions AS int[])) AS t(id, position) "
    "WHERE q.id = t.id AND q.quiz_id = :quiz_id"
)
_ATTEMPT_COUNT = sa.text("SELECT count(*) AS n FROM quiz_attempt WHERE quiz_id = :quiz_id")


async def questions_for_edit(session: AsyncSession, quiz_id: uuid.UUID) -> list[QuizQuestion]:
    """The quiz's questions as objects of the session, to change or delete."""
    return list((await session.execute(_QUESTIONS_FOR_EDIT, {"quiz_id": quiz_id})).scalars())


async def choices_for_edit(
    session: AsyncSession, question_ids: Sequence[uuid.UUID]
) -> list[QuizChoice]:
    if not question_ids:
        return []
    result = await session.execute(_CHOICES_FOR_EDIT, {"ids": list(question_ids)})
    return list(result.scalars())


async def question_ids(session: AsyncSession, quiz_id: uuid.UUID) -> set[uuid.UUID]:
    return set((await session.execute(_QUESTION_IDS, {"quiz_id": quiz_id})).scalars())


async def set_positions(
    session: AsyncSession, quiz_id: uuid.UUID, ordered: Sequence[uuid.UUID]
) -> None:
    """Each question of the quiz at its place in `ordered`."""
    await session.execute(
        _SET_POSITIONS,
        {"quiz_id": quiz_id, "ids": list(ordered), "positions": list(range(len(ordered)))},
    )


async def attempt_count(session: AsyncSession, quiz_id: uuid.UUID) -> int:
    row = await _first(session, _ATTEMPT_COUNT, quiz_id=quiz_id)
    return int(row["n"]) if row else 0


_QUIZ_ASSET_COLUMNS = (_QT.image_asset_id, _QT.narration_asset_id, _CT.image_asset_id)
_QUIZ_ASSET_IDS = sa.union_all(
    *(sa.select(c.label("id")).where(c.is_not(None)) for c in _QUIZ_ASSET_COLUMNS)
).subquery()
_QUIZ_ASSETS = sa.select(_QUIZ_ASSET_IDS.c.id)


def quiz_assets() -> sa.Select[tuple[uuid.UUID]]:
    """Every asset quizzes use, so media housekeeping keeps them."""
    return _QUIZ_ASSETS


# --- attempts ------------------------------------------------------------------------------

ATTEMPT_COLUMNS = (
    "a.id, a.quiz_id, a.profile_id, a.question_order, a.choice_orders, a.started_at, "
    "a.closed_at, a.closed_reason, a.score, a.max_score, a.percent, a.passed, a.stars"
)

# A new attempt, unless one is open already (the partial unique index says at most one):
# then nothing is inserted and the caller reads the open one.
_START = sa.text("""
INSERT INTO quiz_attempt (id, quiz_id, profile_id, question_order, choice_orders, started_at)
VALUES (:id, :quiz_id, :profile_id, CAST(:question_order AS uuid[]),
    CAST(:choice_orders AS jsonb), :started_at)
ON CONFLICT (profile_id, quiz_id) WHERE closed_at IS NULL DO NOTHING
RETURNING id
""")
_OPEN_ATTEMPT = sa.text(
    f"SELECT {ATTEMPT_COLUMNS} FROM quiz_attempt a "
    "WHERE a.profile_id = :profile_id AND a.quiz_id = :quiz_id AND a.closed_at IS NULL"
)
_ATTEMPT = f"SELECT {ATTEMPT_COLUMNS} FROM quiz_attempt a WHERE a.id = :id AND a.profile_id = :p"
_ATTEMPT_READ = sa.text(_ATTEMPT)
_ATTEMPT_LOCKED = sa.text(_ATTEMPT + " FOR UPDATE")
_RESPONSES_OF = sa.text(
    "SELECT question_id, choice_ids, hint_used, correct, points_awarded "
    "FROM quiz_response WHERE attempt_id = :attempt_id"
)
_CLOSE_ATTEMPT = sa.text(
    "UPDATE quiz_attempt SET closed_at = :closed_at, closed_reason = :reason, score = :score, "
    "max_score = :max_score, percent = :percent, passed = :passed, stars = :stars "
    "WHERE id = :id"
)
_GRADE_RESPONSES = sa.text(
    "UPDATE quiz_response r SET correct = t.correct, points_awarded = t.points "
    "FROM unnest(CAST(:question_ids AS uuid[]), CAST(:correct AS boolean[]), "
    "CAST(:points AS numeric[])) AS t(question_id, correct, points) "
    "WHERE r.attempt_id = :id AND r.question_id = t.question_id"
)
# Those another transaction holds are skipped: it is closing them.
_STALE_ATTEMPTS = sa.text(
    f"SELECT {ATTEMPT_COLUMNS} FROM quiz_attempt a WHERE a.closed_at IS NULL "
    "AND a.started_at < :before "
    "AND (CAST(:profile_id AS uuid) IS NULL OR a.profile_id = :profile_id) "
    "AND (CAST(:quiz_id AS uuid) IS NULL OR a.quiz_id = :quiz_id) "
    "ORDER BY a.started_at LIMIT :limit FOR UPDATE SKIP LOCKED"
)


async def start_attempt(
    session: AsyncSession,
    attempt_id: uuid.UUID,
    quiz_id: uuid.UUID,
    profile_id: uuid.UUID,
    question_order: Sequence[uuid.UUID],
    choice_orders_json: str,
    now: datetime,
) -> bool:
    """Whether a new attempt was written (False: one is open already)."""
    row = await _first(
        session,
        _START,
        id=attempt_id,
        quiz_id=quiz_id,
        profile_id=profile_id,
        question_order=list(question_order),
        choice_orders=choice_orders_json,
        started_at=now,
    )
    return row is not None


async def open_attempt(
    session: AsyncSession, profile_id: uuid.UUID, quiz_id: uuid.UUID
) -> Row | None:
    return await _first(session, _OPEN_ATTEMPT, profile_id=profile_id, quiz_id=quiz_id)


async def attempt(
    session: AsyncSession,
    profile_id: uuid.UUID,
    attempt_id: uuid.UUID,
    *,
    lock: bool = False,
) -> Row | None:
    statement = _ATTEMPT_LOCKED if lock else _ATTEMPT_READ
    return await _first(session, statement, id=attempt_id, p=profile_id)


async def responses_of(session: AsyncSession, attempt_id: uuid.UUID) -> list[Row]:
    return await _all(session, _RESPONSES_OF, attempt_id=attempt_id)


async def close_attempt(
    session: AsyncSession,
    attempt_id: uuid.UUID,
    closed_at: datetime,
    reason: str,
    *,
    score: Decimal,
    max_score: int,
    percent: int,
    passed: bool,
    stars: int,
    graded: Sequence[tuple[uuid.UUID, bool, Decimal]],
) -> None:
    """Closes the attempt with its score, and stores the final grading of each answer
    (question, correct, points)."""
    await session.execute(
        _CLOSE_ATTEMPT,
        {
            "id": attempt_id,
            "closed_at": closed_at,
            "reason": reason,
            "score": score,
            "max_score": max_score,
            "percent": percent,
            "passed": passed,
            "stars": stars,
        },
    )
    await session.execute(
        _GRADE_RESPONSES,
        {
            "id": attempt_id,
            "question_ids": [g[0] for g in graded],
            "correct": [g[1] for g in graded],
            "points": [g[2] for g in graded],
        },
    )


async def stale_attempts(
    session: AsyncSession,
    before: datetime,
    *,
    profile_id: uuid.UUID | None = None,
    quiz_id: uuid.UUID | None = None,
    limit: int = 500,
) -> list[Row]:
    """Open attempts started before `before`, locked."""
    return await _all(
        session,
        _STALE_ATTEMPTS,
        before=before,
        profile_id=profile_id,
        quiz_id=quiz_id,
        limit=limit,
    )


# --- the hot answer path (raw asyncpg on a connection) --------------------------------------
# Answering a question is the hot write (an explorer taps through a quiz): two statements
# built once, one reading everything the answer needs with the attempt locked (the lock orders
# concurrent answers and a submit of the same attempt), one upsert. Raw asyncpg on the
# request's connection: the bench's quiz answer measured 0.71 of its floor (target 0.50),
# where a session per request measured about a fifth (module docstring).

_ANSWER_CONTEXT_SQL = """
SELECT a.closed_at, a.started_at, a.question_order, q.feedback_mode,
    qq.id AS question_id, qq.type, qq.points, qq.explanation, qq.hint <> '' AS has_hint,
    ARRAY(SELECT c.id FROM quiz_choice c WHERE c.question_id = qq.id ORDER BY c.position)
        AS choice_ids,
    ARRAY(SELECT c.correct FROM quiz_choice c WHERE c.question_id = qq.id ORDER BY c.position)
        AS correct_flags,
    ARRAY(SELECT c.feedback FROM quiz_choice c WHERE c.question_id = qq.id ORDER BY c.position)
        AS feedbacks,
    r.choice_ids AS answered_ids, r.hint_used AS answered_hint
FROM quiz_attempt a
JOIN quiz q ON q.id = a.quiz_id
LEFT JOIN quiz_question qq ON qq.id = $3 AND qq.quiz_id = a.quiz_id
LEFT JOIN quiz_response r ON r.attempt_id = a.id AND r.question_id = $3
WHERE a.id = $1 AND a.profile_id = $2
FOR UPDATE OF a
"""

_UPSERT_RESPONSE_SQL = """
INSERT INTO quiz_response AS r (attempt_id, question_id, choice_ids, hint_used, correct,
    points_awarded, answered_at, updated_at)
VALUES ($1, $2, $3::uuid[], $4, $5, $6, $7, $7)
ON CONFLICT (attempt_id, question_id) DO UPDATE SET
    choice_ids = excluded.choice_ids, hint_used = excluded.hint_used,
    correct = excluded.correct, points_awarded = excluded.points_awarded,
    updated_at = excluded.updated_at
"""


async def answer_context(
    conn: asyncpg.Connection[Any],
    attempt_id: uuid.UUID,
    profile_id: uuid.UUID,
    question_id: uuid.UUID,
) -> asyncpg.Record | None:
    """Everything one answer needs, in one round trip, with the attempt locked (hot path:
    the quiz answer, 0.71 of its floor)."""
    return await conn.fetchrow(_ANSWER_CONTEXT_SQL, attempt_id, profile_id, question_id)


async def save_response(
    conn: asyncpg.Connection[Any],
    attempt_id: uuid.UUID,
    question_id: uuid.UUID,
    given: Sequence[uuid.UUID],
    hint_used: bool,
    correct: bool,
    points: Decimal,
    now: datetime,
) -> None:
    """The answer, written or changed (hot path: the quiz answer, 0.71 of its floor)."""
    await conn.execute(
        _UPSERT_RESPONSE_SQL,
        attempt_id,
        question_id,
        list(given),
        hint_used,
        correct,
        points,
        now,
    )


_COUNTS_SQL = (
    "SELECT count(DISTINCT quiz_id) AS taken, "
    "count(DISTINCT quiz_id) FILTER (WHERE passed) AS passed FROM quiz_attempt "
    "WHERE profile_id = $1 AND closed_at >= $2 AND closed_at < $3"
)


async def counts(
    conn: asyncpg.Connection[Any], profile_id: uuid.UUID, since: datetime, until: datetime
) -> asyncpg.Record:
    """Quizzes taken and passed between two instants. On a connection: the explorer's
    library screen reads it (0.82 of its floor, target 0.50), as does the parents' activity."""
    row = await conn.fetchrow(_COUNTS_SQL, profile_id, since, until)
    assert row is not None
    return row


# --- results and the next quiz -------------------------------------------------------------

_RESULTS = sa.text(f"""
WITH per_quiz AS (
    SELECT a.quiz_id, count(*) AS attempts, bool_or(a.passed) AS mastered,
        max(a.closed_at) AS last_at,
        (array_agg(a.percent ORDER BY a.percent DESC, a.score DESC, a.closed_at))[1] AS percent,
        (array_agg(a.score ORDER BY a.percent DESC, a.score DESC, a.closed_at))[1] AS score,
        (array_agg(a.stars ORDER BY a.percent DESC, a.score DESC, a.closed_at))[1] AS stars
    FROM quiz_attempt a WHERE a.profile_id = :profile_id AND a.closed_at IS NOT NULL
    GROUP BY a.quiz_id
)
SELECT p.*, {QUIZ_COLUMNS} FROM per_quiz p JOIN quiz q ON q.id = p.quiz_id
WHERE (CAST(:after_at AS timestamptz) IS NULL
       OR (p.last_at, p.quiz_id) < (:after_at, CAST(:after_id AS uuid)))
ORDER BY p.last_at DESC, p.quiz_id DESC
LIMIT :limit
""")

_HISTORY_ON_CONTENT = sa.text(
    "SELECT a.quiz_id, q.difficulty, a.passed FROM quiz_attempt a "
    "JOIN quiz q ON q.id = a.quiz_id "
    "WHERE a.profile_id = :profile_id AND a.closed_at IS NOT NULL "
    "AND (q.video_id = :content_id OR q.ebook_id = :content_id OR q.diy_id = :content_id) "
    "ORDER BY a.closed_at, a.id"
)


async def results(
    session: AsyncSession,
    profile_id: uuid.UUID,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Row]:
    when, ident = after or (None, None)
    return await _all(
        session, _RESULTS, profile_id=profile_id, after_at=when, after_id=ident, limit=limit
    )


async def history_on_content(
    session: AsyncSession, profile_id: uuid.UUID, content_id: uuid.UUID
) -> list[Row]:
    """The explorer's finished attempts at quizzes of this content, oldest first."""
    return await _all(session, _HISTORY_ON_CONTENT, profile_id=profile_id, content_id=content_id)


# --- analytics -----------------------------------------------------------------------------

# Aggregates only: no profile leaves these statements.
_QUESTION_STATS = sa.text("""
WITH attempts AS (
    SELECT a.id, a.question_order FROM quiz_attempt a
    WHERE a.quiz_id = :quiz_id AND a.closed_at >= :since AND a.closed_at < :until
),
shown AS (
    SELECT t.id AS attempt_id, unnest(t.question_order) AS question_id FROM attempts t
)
SELECT qq.id, qq.position, qq.prompt, qq.type,
    count(s.attempt_id) AS attempts,
    count(r.attempt_id) AS answered,
    count(r.attempt_id) FILTER (WHERE r.correct) AS correct,
    count(r.attempt_id) FILTER (WHERE r.hint_used) AS hints
FROM quiz_question qq
LEFT JOIN shown s ON s.question_id = qq.id
LEFT JOIN quiz_response r ON r.attempt_id = s.attempt_id AND r.question_id = qq.id
WHERE qq.quiz_id = :quiz_id
GROUP BY qq.id ORDER BY qq.position
""")

_WRONG_CHOICES = sa.text("""
SELECT DISTINCT ON (c.question_id) c.question_id, c.id, c.text, count(*) AS times
FROM quiz_attempt a
JOIN quiz_response r ON r.attempt_id = a.id AND NOT r.correct
JOIN quiz_question qq ON qq.id = r.question_id AND qq.type <> 'ordering'
CROSS JOIN LATERAL unnest(r.choice_ids) AS picked(id)
JOIN quiz_choice c ON c.id = picked.id AND NOT c.correct
WHERE a.quiz_id = :quiz_id AND a.closed_at >= :since AND a.closed_at < :until
GROUP BY c.question_id, c.id, c.text, c.position
ORDER BY c.question_id, count(*) DESC, c.position
""")

_QUIZ_STATS = sa.text("""
SELECT count(*) AS attempts, avg(percent)::float AS average_percent,
    (count(*) FILTER (WHERE passed))::float / nullif(count(*), 0) AS passed_share
FROM quiz_attempt WHERE quiz_id = :quiz_id AND closed_at >= :since AND closed_at < :until
""")


async def stats(
    session: AsyncSession, quiz_id: uuid.UUID, since: datetime, until: datetime
) -> tuple[Row, list[Row], list[Row]]:
    """The quiz overall, per question, and the most chosen wrong choice per question."""
    params = {"quiz_id": quiz_id, "since": since, "until": until}
    overall = await _first(session, _QUIZ_STATS, **params)
    assert overall is not None
    per_question = await _all(session, _QUESTION_STATS, **params)
    wrong = await _all(session, _WRONG_CHOICES, **params)
    return overall, per_question, wrong


# --- other modules' reports (classrooms) ---------------------------------------------------

_STANDINGS = sa.text("""
SELECT a.profile_id, a.quiz_id,
    count(*) FILTER (WHERE a.closed_at IS NOT NULL) AS attempts,
    count(*) FILTER (WHERE a.closed_at IS NOT NULL AND NOT a.passed) AS failed,
    max(a.percent) AS best_percent,
    coalesce(bool_or(a.passed), false) AS passed,
    min(a.closed_at) FILTER (WHERE a.passed) AS passed_at,
    bool_or(a.closed_at IS NULL) AS open,
    coalesce(sum(h.hints), 0)::int AS hints,
    coalesce(max(h.hints) FILTER (WHERE a.closed_at IS NOT NULL AND NOT a.passed), 0)::int
        AS most_hints_in_a_fail
FROM unnest(CAST(:profile_ids AS uuid[]), CAST(:since AS timestamptz[])) AS s(profile_id, since)
JOIN quiz_attempt a ON a.profile_id = s.profile_id
CROSS JOIN LATERAL (
    SELECT count(*) AS hints FROM quiz_response r WHERE r.attempt_id = a.id AND r.hint_used
) h
WHERE a.quiz_id = ANY(CAST(:quiz_ids AS uuid[]))
    AND (s.since IS NULL OR coalesce(a.closed_at, a.started_at) >= s.since)
GROUP BY a.profile_id, a.quiz_id
""")

_VISIBLE_TITLES = sa.text(
    f"SELECT q.id, q.title FROM quiz q WHERE q.id = ANY(CAST(:ids AS uuid[])) AND {VISIBLE_QUIZ}"
)


async def standings(
    session: AsyncSession,
    profile_ids: Sequence[uuid.UUID],
    quiz_ids: Sequence[uuid.UUID],
    since: Sequence[datetime | None],
) -> list[Row]:
    """Per (profile, quiz) with an attempt: attempts, fails, best, passed, hints; `since`
    (one per profile, or None) leaves out the attempts that ended before it."""
    return await _all(
        session,
        _STANDINGS,
        profile_ids=list(profile_ids),
        quiz_ids=list(quiz_ids),
        since=list(since),
    )


async def visible_titles(session: AsyncSession, quiz_ids: Sequence[uuid.UUID]) -> list[Row]:
    return await _all(session, _VISIBLE_TITLES, ids=list(quiz_ids))


# --- data rights ---------------------------------------------------------------------------

_EXPORT_ATTEMPTS = sa.text(
    "SELECT a.id, a.profile_id, a.quiz_id, q.title, a.started_at, a.closed_at, "
    "a.closed_reason, a.score, a.max_score, a.percent, a.passed, a.stars "
    "FROM quiz_attempt a JOIN quiz q ON q.id = a.quiz_id "
    "WHERE a.profile_id = ANY(CAST(:ids AS uuid[])) ORDER BY a.profile_id, a.started_at"
)
_EXPORT_RESPONSES = sa.text(
    "SELECT r.attempt_id, r.question_id, qq.prompt, r.choice_ids, r.hint_used, r.correct, "
    "r.points_awarded, r.answered_at, r.updated_at FROM quiz_response r "
    "JOIN quiz_attempt a ON a.id = r.attempt_id "
    "JOIN quiz_question qq ON qq.id = r.question_id "
    "WHERE a.profile_id = ANY(CAST(:ids AS uuid[])) ORDER BY r.attempt_id, r.answered_at"
)


async def export_rows(
    session: AsyncSession, profile_ids: Sequence[uuid.UUID]
) -> tuple[list[Row], list[Row]]:
    ids = list(profile_ids)
    attempts = await _all(session, _EXPORT_ATTEMPTS, ids=ids)
    responses = await _all(session, _EXPORT_RESPONSES, ids=ids)
    return attempts, responses
