"""Quiz statements: fixed SQL run with asyncpg on the request's own connection (same
transaction as the session), rows read by column name.

Answering a question is the hot write (an explorer taps through a quiz): it is two
statements built once, one reading everything the answer needs with the attempt locked (the
lock orders concurrent answers and a submit of the same attempt), one upsert. The ORM building
and compiling statements per request costs several times the statements (DESIGN.md, 8).
"""

# SQL text from constants only; every value is bound by asyncpg.
# ruff: noqa: S608

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg
from asyncpg import Record

from app.catalog.queries import visible
from app.core.db import session_driver

# The asyncpg connection under the request's session (one helper for every module).
connection = session_driver


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

_BY_CONTENT = "($1::uuid IS NULL OR q.video_id = $1 OR q.ebook_id = $1 OR q.diy_id = $1)"

_VISIBLE_LIST_SQL = f"""
SELECT {QUIZ_COLUMNS} FROM quiz q
WHERE {VISIBLE_QUIZ} AND {_BY_CONTENT}
  AND ($2::text IS NULL OR q.content_kind = $2) AND ($3::text IS NULL OR q.difficulty = $3)
  AND ($4::timestamptz IS NULL OR (q.created_at, q.id) > ($4, $5::uuid))
ORDER BY q.created_at, q.id
LIMIT $6
"""


async def visible_quizzes(
    conn: asyncpg.Connection[Any],
    content_id: uuid.UUID | None,
    kind: str | None,
    difficulty: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Record]:
    when, ident = after or (None, None)
    rows: list[Record] = await conn.fetch(
        _VISIBLE_LIST_SQL, content_id, kind, difficulty, when, ident, limit
    )
    return rows


async def visible_quiz(conn: asyncpg.Connection[Any], quiz_id: uuid.UUID) -> Record | None:
    return await conn.fetchrow(
        f"SELECT {QUIZ_COLUMNS} FROM quiz q WHERE q.id = $1 AND {VISIBLE_QUIZ}", quiz_id
    )


async def quiz_row(conn: asyncpg.Connection[Any], quiz_id: uuid.UUID) -> Record | None:
    """Any quiz, whatever its status (results, admin)."""
    return await conn.fetchrow(f"SELECT {QUIZ_COLUMNS} FROM quiz q WHERE q.id = $1", quiz_id)


async def summaries_for(
    conn: asyncpg.Connection[Any], kind: str, content_id: uuid.UUID
) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        f"SELECT q.id, q.title, q.difficulty, (SELECT count(*) FROM quiz_question qq "
        f"WHERE qq.quiz_id = q.id) AS question_count FROM quiz q "
        f"WHERE q.{kind}_id = $1 AND {visible('q')} "
        "ORDER BY CASE q.difficulty WHEN 'easy' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, "
        "q.created_at, q.id",
        content_id,
    )
    return rows


async def questions_of(
    conn: asyncpg.Connection[Any], quiz_ids: Sequence[uuid.UUID]
) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        "SELECT id, quiz_id, position, type, prompt, image_asset_id, narration_asset_id, hint, "
        "explanation, points FROM quiz_question WHERE quiz_id = ANY($1::uuid[]) "
        "ORDER BY quiz_id, position",
        list(quiz_ids),
    )
    return rows


async def choices_of(
    conn: asyncpg.Connection[Any], question_ids: Sequence[uuid.UUID]
) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        "SELECT id, question_id, position, text, image_asset_id, correct, feedback "
        "FROM quiz_choice WHERE question_id = ANY($1::uuid[]) ORDER BY question_id, position",
        list(question_ids),
    )
    return rows


_CONTENT_TABLES = {"video": "video", "ebook": "ebook", "diy": "diy"}


async def content_exists(conn: asyncpg.Connection[Any], kind: str, content_id: uuid.UUID) -> bool:
    """Any status: a quiz may be written for content that is not published yet."""
    return bool(
        await conn.fetchval(f"SELECT 1 FROM {_CONTENT_TABLES[kind]} WHERE id = $1", content_id)
    )


_ADMIN_LIST_SQL = f"""
SELECT {QUIZ_COLUMNS} FROM quiz q
WHERE ($1::uuid IS NULL OR q.video_id = $1 OR q.ebook_id = $1 OR q.diy_id = $1)
  AND ($2::text IS NULL OR q.status = $2)
  AND ($3::timestamptz IS NULL OR (q.created_at, q.id) < ($3, $4::uuid))
ORDER BY q.created_at DESC, q.id DESC LIMIT $5
"""


async def admin_list(conn: asyncpg.Connection[Any], *params: Any) -> list[Record]:
    rows: list[Record] = await conn.fetch(_ADMIN_LIST_SQL, *params)
    return rows


# --- attempts ----------------------------------------------------------------------------

ATTEMPT_COLUMNS = (
    "a.id, a.quiz_id, a.profile_id, a.question_order, a.choice_orders, a.started_at, "
    "a.closed_at, a.closed_reason, a.score, a.max_score, a.percent, a.passed, a.stars"
)

# A new attempt, unless one is open already (the partial unique index says at most one):
# then nothing is inserted and the caller reads the open one.
_START_SQL = """
INSERT INTO quiz_attempt (id, quiz_id, profile_id, question_order, choice_orders, started_at)
VALUES ($1, $2, $3, $4::uuid[], $5::jsonb, $6)
ON CONFLICT (profile_id, quiz_id) WHERE closed_at IS NULL DO NOTHING
RETURNING id
"""


async def start_attempt(conn: asyncpg.Connection[Any], *params: Any) -> uuid.UUID | None:
    value: uuid.UUID | None = await conn.fetchval(_START_SQL, *params)
    return value


async def open_attempt(
    conn: asyncpg.Connection[Any], profile_id: uuid.UUID, quiz_id: uuid.UUID
) -> Record | None:
    return await conn.fetchrow(
        f"SELECT {ATTEMPT_COLUMNS} FROM quiz_attempt a "
        "WHERE a.profile_id = $1 AND a.quiz_id = $2 AND a.closed_at IS NULL",
        profile_id,
        quiz_id,
    )


async def attempt(
    conn: asyncpg.Connection[Any],
    profile_id: uuid.UUID,
    attempt_id: uuid.UUID,
    *,
    lock: bool = False,
) -> Record | None:
    return await conn.fetchrow(
        f"SELECT {ATTEMPT_COLUMNS} FROM quiz_attempt a WHERE a.id = $1 AND a.profile_id = $2"
        + (" FOR UPDATE" if lock else ""),
        attempt_id,
        profile_id,
    )


async def responses_of(conn: asyncpg.Connection[Any], attempt_id: uuid.UUID) -> list[Record]:
    rows: list[Record] = await conn.fetch(
        "SELECT question_id, choice_ids, hint_used, correct, points_awarded "
        "FROM quiz_response WHERE attempt_id = $1",
        attempt_id,
    )
    return rows


# Everything one answer needs, in one round trip, with the attempt locked.
_ANSWER_CONTEXT_SQL = """
SELECT a.closed_at, a.started_at, a.question_order, q.feedback_mode,
    qq.id AS question_id, qq.type, qq.points, qq.explanation,
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
) -> Record | None:
    return await conn.fetchrow(_ANSWER_CONTEXT_SQL, attempt_id, profile_id, question_id)


async def save_response(conn: asyncpg.Connection[Any], *params: Any) -> None:
    await conn.execute(_UPSERT_RESPONSE_SQL, *params)


async def close_attempt(conn: asyncpg.Connection[Any], *params: Any) -> None:
    """$1 attempt, $2 closed_at, $3 reason, $4 score, $5 max, $6 percent, $7 passed, $8 stars,
    then the final grading of each answer: $9 question ids, $10 correct, $11 points."""
    await conn.execute(
        "UPDATE quiz_attempt SET closed_at = $2, closed_reason = $3, score = $4, "
        "max_score = $5, percent = $6, passed = $7, stars = $8 WHERE id = $1",
        *params[:8],
    )
    await conn.execute(
        "UPDATE quiz_response r SET correct = t.correct, points_awarded = t.points "
        "FROM unnest($2::uuid[], $3::boolean[], $4::numeric[]) AS t(question_id, correct, "
        "points) WHERE r.attempt_id = $1 AND r.question_id = t.question_id",
        params[0],
        *params[8:],
    )


async def stale_attempts(
    conn: asyncpg.Connection[Any],
    before: datetime,
    *,
    profile_id: uuid.UUID | None = None,
    quiz_id: uuid.UUID | None = None,
    limit: int = 500,
) -> list[Record]:
    """Open attempts started before `before`, locked; those another transaction holds are
    skipped (it is closing them)."""
    rows: list[Record] = await conn.fetch(
        f"SELECT {ATTEMPT_COLUMNS} FROM quiz_attempt a WHERE a.closed_at IS NULL "
        "AND a.started_at < $1 AND ($2::uuid IS NULL OR a.profile_id = $2) "
        "AND ($3::uuid IS NULL OR a.quiz_id = $3) "
        "ORDER BY a.started_at LIMIT $4 FOR UPDATE SKIP LOCKED",
        before,
        profile_id,
        quiz_id,
        limit,
    )
    return rows


# --- results and the next quiz -----------------------------------------------------------

_RESULTS_SQL = f"""
WITH per_quiz AS (
    SELECT a.quiz_id, count(*) AS attempts, bool_or(a.passed) AS mastered,
        max(a.closed_at) AS last_at,
        (array_agg(a.percent ORDER BY a.percent DESC, a.score DESC, a.closed_at))[1] AS percent,
        (array_agg(a.score ORDER BY a.percent DESC, a.score DESC, a.closed_at))[1] AS score,
        (array_agg(a.stars ORDER BY a.percent DESC, a.score DESC, a.closed_at))[1] AS stars
    FROM quiz_attempt a WHERE a.profile_id = $1 AND a.closed_at IS NOT NULL
    GROUP BY a.quiz_id
)
SELECT p.*, {QUIZ_COLUMNS} FROM per_quiz p JOIN quiz q ON q.id = p.quiz_id
WHERE ($2::timestamptz IS NULL OR (p.last_at, p.quiz_id) < ($2, $3::uuid))
ORDER BY p.last_at DESC, p.quiz_id DESC
LIMIT $4
"""


async def results(
    conn: asyncpg.Connection[Any],
    profile_id: uuid.UUID,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Record]:
    when, ident = after or (None, None)
    rows: list[Record] = await conn.fetch(_RESULTS_SQL, profile_id, when, ident, limit)
    return rows


async def history_on_content(
    conn: asyncpg.Connection[Any], profile_id: uuid.UUID, content_id: uuid.UUID
) -> list[Record]:
    """The explorer's finished attempts at quizzes of this content, oldest first."""
    rows: list[Record] = await conn.fetch(
        "SELECT a.quiz_id, q.difficulty, a.passed FROM quiz_attempt a "
        "JOIN quiz q ON q.id = a.quiz_id WHERE a.profile_id = $1 AND a.closed_at IS NOT NULL "
        "AND (q.video_id = $2 OR q.ebook_id = $2 OR q.diy_id = $2) ORDER BY a.closed_at, a.id",
        profile_id,
        content_id,
    )
    return rows


async def counts(
    conn: asyncpg.Connection[Any], profile_id: uuid.UUID, since: datetime, until: datetime
) -> Record:
    row = await conn.fetchrow(
        "SELECT count(DISTINCT quiz_id) AS taken, "
        "count(DISTINCT quiz_id) FILTER (WHERE passed) AS passed FROM quiz_attempt "
        "WHERE profile_id = $1 AND closed_at >= $2 AND closed_at < $3",
        profile_id,
        since,
        until,
    )
    assert row is not None
    return row


# --- analytics ---------------------------------------------------------------------------

# Aggregates only: no profile leaves this statement.
_QUESTION_STATS_SQL = """
WITH attempts AS (
    SELECT a.id, a.question_order FROM quiz_attempt a
    WHERE a.quiz_id = $1 AND a.closed_at >= $2 AND a.closed_at < $3
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
WHERE qq.quiz_id = $1
GROUP BY qq.id ORDER BY qq.position
"""

_WRONG_CHOICES_SQL = """
SELECT DISTINCT ON (c.question_id) c.question_id, c.id, c.text, count(*) AS times
FROM quiz_attempt a
JOIN quiz_response r ON r.attempt_id = a.id AND NOT r.correct
JOIN quiz_question qq ON qq.id = r.question_id AND qq.type <> 'ordering'
CROSS JOIN LATERAL unnest(r.choice_ids) AS picked(id)
JOIN quiz_choice c ON c.id = picked.id AND NOT c.correct
WHERE a.quiz_id = $1 AND a.closed_at >= $2 AND a.closed_at < $3
GROUP BY c.question_id, c.id, c.text, c.position
ORDER BY c.question_id, count(*) DESC, c.position
"""

_QUIZ_STATS_SQL = """
SELECT count(*) AS attempts, avg(percent)::float AS average_percent,
    (count(*) FILTER (WHERE passed))::float / nullif(count(*), 0) AS passed_share
FROM quiz_attempt WHERE quiz_id = $1 AND closed_at >= $2 AND closed_at < $3
"""


async def stats(
    conn: asyncpg.Connection[Any], quiz_id: uuid.UUID, since: datetime, until: datetime
) -> tuple[Record, list[Record], list[Record]]:
    overall = await conn.fetchrow(_QUIZ_STATS_SQL, quiz_id, since, until)
    assert overall is not None
    per_question = await conn.fetch(_QUESTION_STATS_SQL, quiz_id, since, until)
    wrong = await conn.fetch(_WRONG_CHOICES_SQL, quiz_id, since, until)
    return overall, per_question, wrong


# --- data rights -------------------------------------------------------------------------


async def export_rows(
    conn: asyncpg.Connection[Any], profile_ids: Sequence[uuid.UUID]
) -> tuple[list[Record], list[Record]]:
    ids = list(profile_ids)
    attempts = await conn.fetch(
        "SELECT a.id, a.profile_id, a.quiz_id, q.title, a.started_at, a.closed_at, "
        "a.closed_reason, a.score, a.max_score, a.percent, a.passed, a.stars "
        "FROM quiz_attempt a JOIN quiz q ON q.id = a.quiz_id "
        "WHERE a.profile_id = ANY($1::uuid[]) ORDER BY a.profile_id, a.started_at",
        ids,
    )
    responses = await conn.fetch(
        "SELECT r.attempt_id, r.question_id, qq.prompt, r.choice_ids, r.hint_used, r.correct, "
        "r.points_awarded, r.answered_at, r.updated_at FROM quiz_response r "
        "JOIN quiz_attempt a ON a.id = r.attempt_id "
        "JOIN quiz_question qq ON qq.id = r.question_id "
        "WHERE a.profile_id = ANY($1::uuid[]) ORDER BY r.attempt_id, r.answered_at",
        ids,
    )
    return list(attempts), list(responses)


async def attempt_count(conn: asyncpg.Connection[Any], quiz_id: uuid.UUID) -> int:
    return int(
        await conn.fetchval("SELECT count(*) FROM quiz_attempt WHERE quiz_id = $1", quiz_id) or 0
    )
