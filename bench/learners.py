"""The explorers of a progress data set: families, their explorers, what each watched (the
progress table at the size under test), saved items, learning time, and quizzes with open
attempts. Loaded inside PostgreSQL (INSERT ... SELECT over generate_series), so a million
progress rows take seconds, not a round trip each.

Ids are derived from a number (`ident(kind, n)`: md5 of a name, as PostgreSQL's
`md5(...)::uuid` makes it), so the bench computes them without asking the database.

Explorer numbers have roles, so that one scenario never changes what another reads:

- 0           the library screen's explorer (continue, completed, saved, recommended, stats)
- 1 .. 8      quiz answers under load: one open attempt on each of the QUIZZES quizzes
- 9, 10       the quiz write check (app, floor): an open attempt each on quiz 0
- 11, 12      the heartbeat write check (app, floor)
- 13 ..       heartbeats under load
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import asyncpg

ITEMS_PER_EXPLORER = 100
EXPLORERS_PER_FAMILY = 5
QUIZZES = 16
QUESTIONS = 5
CHOICES = 3
LIBRARY_EXPLORER = 0
QUIZ_EXPLORERS = range(1, 9)
QUIZ_CHECK = (9, 10)
HEARTBEAT_CHECK = (11, 12)
FIRST_HEARTBEAT_EXPLORER = 13


def ident(kind: str, n: int) -> uuid.UUID:
    """The id of the n-th family, explorer, quiz, question ('question-q-i') or choice."""
    return uuid.UUID(hashlib.md5(f"bench-{kind}-{n}".encode()).hexdigest())  # noqa: S324


def _sql_ident(kind: str, n: str) -> str:
    return f"md5('bench-{kind}-' || {n})::uuid"


def explorer_count(progress_rows: int) -> int:
    # The check explorers' rows are cleared before each run: the table holds `progress_rows`.
    return progress_rows // ITEMS_PER_EXPLORER + len(HEARTBEAT_CHECK)


def family_of(explorer: int) -> int:
    return explorer // EXPLORERS_PER_FAMILY


async def load(conn: asyncpg.Connection[Any], progress_rows: int) -> None:
    # Families that have used the app for a while: verified (the app's retention job
    # deletes accounts left unverified), months old.
    explorers = explorer_count(progress_rows)
    families = -(-explorers // EXPLORERS_PER_FAMILY)
    await conn.execute(
        f"""
        INSERT INTO account (id, email, role, locale, timezone, email_verified_at, created_at,
            updated_at)
        SELECT {_sql_ident("family", "n")}, 'family' || n || '@bench.example', 'parent', 'en',
            'Africa/Accra', now() - interval '90 days', now() - interval '90 days',
            now() - interval '90 days'
        FROM generate_series(0, $1 - 1) n
        """,
        families,
    )
    await conn.execute(
        f"""
        INSERT INTO profile (id, account_id, nickname, age_band, language, read_aloud,
            narration_speed, avatar, created_at, updated_at)
        SELECT {_sql_ident("explorer", "n")}, {_sql_ident("family", f"n / {EXPLORERS_PER_FAMILY}")},
            'Explorer ' || n, (ARRAY['3-5', '6-8', '9-12'])[n % 3 + 1], 'en', true, 1.00, '{{}}',
            now() - interval '90 days', now() - interval '90 days'
        FROM generate_series(0, $1 - 1) n
        """,
        explorers,
    )
    # Each explorer's ITEMS_PER_EXPLORER videos, spread over the catalogue; one in ten
    # completed, the others part-watched (one range from the start, as a player sends it).
    await conn.execute(
        f"""
        WITH v AS (
            SELECT id, duration_ms, (row_number() OVER (ORDER BY id) - 1)::int AS n,
                count(*) OVER ()::int AS total
            FROM video WHERE duration_ms > 0
        ),
        e AS (
            SELECT n, {_sql_ident("explorer", "n")} AS profile_id FROM generate_series(0, $1 - 1) n
        ),
        pairs AS (
            SELECT e.profile_id, v.id AS item_id, v.duration_ms AS d, j, e.n AS en,
                (j % 10 = 9) AS done,
                CASE WHEN j % 10 = 9 THEN v.duration_ms
                    ELSE v.duration_ms * (5 + (e.n * 7 + j * 13) % 80) / 100 END AS upto,
                now() - make_interval(secs => 60 + (e.n * {ITEMS_PER_EXPLORER} + j) % 500000)
                    AS at
            FROM e CROSS JOIN generate_series(0, {ITEMS_PER_EXPLORER - 1}) j
            JOIN v ON v.n = (e.n * 101 + j * 7) % (SELECT max(total) FROM v)
        )
        INSERT INTO progress (profile_id, kind, item_id, status, percent, position_ms, covered,
            covered_units, total_units, spent_ms, last_credit_ms, sent_at, heartbeat_at,
            started_at, completed_at, updated_at)
        SELECT profile_id, 'video', item_id, CASE WHEN done THEN 'completed' ELSE 'in_progress' END,
            CASE WHEN done THEN 100 ELSE least(99, upto * 100 / d) END, upto,
            int8multirange(int8range(0, upto)), upto, d, upto, 0, at, at, at - interval '1 day',
            CASE WHEN done THEN at END, at
        FROM pairs
        """,
        explorers,
    )
    # The library's explorer and the quiz explorers: saved items and two weeks of learning.
    await conn.execute(
        f"""
        INSERT INTO saved_item (profile_id, kind, item_id, saved_at)
        SELECT {_sql_ident("explorer", "e")}, 'video', v.id,
            now() - make_interval(hours => v.n::int)
        FROM generate_series(0, {FIRST_HEARTBEAT_EXPLORER - 1}) e
        JOIN LATERAL (SELECT id, row_number() OVER (ORDER BY id DESC) AS n FROM video
                      ORDER BY id DESC OFFSET e * 20 LIMIT 15) v ON true
        ON CONFLICT DO NOTHING
        """
    )
    await conn.execute(
        f"""
        INSERT INTO learning_time (profile_id, bucket, kind, active_ms)
        SELECT {_sql_ident("explorer", "e")},
            date_bin('15 minutes', now() - make_interval(days => d, mins => q * 15),
                     TIMESTAMPTZ '2000-01-01 00:00:00+00'),
            'video', 240000
        FROM generate_series(0, {FIRST_HEARTBEAT_EXPLORER - 1}) e,
            generate_series(0, 13) d, generate_series(0, 2) q
        WHERE d % 6 <> 5
        ON CONFLICT DO NOTHING
        """
    )
    await _quizzes(conn)


async def _quizzes(conn: asyncpg.Connection[Any]) -> None:
    """QUIZZES published quizzes (answers may change until submitted, so every answer under
    load is a write), QUESTIONS single-choice questions of CHOICES choices each."""
    videos = [
        r["id"] for r in await conn.fetch("SELECT id FROM video ORDER BY id LIMIT $1", QUIZZES)
    ]
    quizzes, questions, choices = [], [], []
    for q in range(QUIZZES):
        quiz = ident("quiz", q)
        quizzes.append(
            (
                quiz,
                "video",
                videos[q],
                f"Bench quiz {q}",
                "easy",
                "published",
                70,
                "at_end",
                False,
                False,
            )
        )
        for i in range(QUESTIONS):
            question = ident("question", q * 100 + i)
            questions.append(
                (
                    question,
                    quiz,
                    i,
                    "single_choice",
                    f"Question {i} of quiz {q}?",
                    "Look again",
                    f"Because of reason {i}.",
                    1,
                )
            )
            for c in range(CHOICES):
                choices.append(
                    (
                        ident("choice", (q * 100 + i) * 10 + c),
                        question,
                        c,
                        f"Answer {c}",
                        c == 0,
                        f"Feedback {c}",
                    )
                )
    await conn.executemany(
        "INSERT INTO quiz (id, content_kind, video_id, title, difficulty, status, pass_mark, "
        "feedback_mode, shuffle_questions, shuffle_choices, published_at, created_at, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now() - interval '30 days', "
        "now() - interval '30 days', now() - interval '30 days')",
        quizzes,
    )
    await conn.executemany(
        "INSERT INTO quiz_question (id, quiz_id, position, type, prompt, hint, explanation, "
        "points) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        questions,
    )
    await conn.executemany(
        "INSERT INTO quiz_choice (id, question_id, position, text, correct, feedback) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        choices,
    )
    attempts = [(e, q) for e in QUIZ_EXPLORERS for q in range(QUIZZES)]
    attempts += [(e, 0) for e in QUIZ_CHECK]
    await conn.executemany(
        "INSERT INTO quiz_attempt (id, quiz_id, profile_id, question_order, choice_orders, "
        "started_at) VALUES ($1, $2, $3, $4, '{}', now())",
        [
            (
                attempt_id(e, q),
                ident("quiz", q),
                ident("explorer", e),
                [ident("question", q * 100 + i) for i in range(QUESTIONS)],
            )
            for e, q in attempts
        ],
    )


def attempt_id(explorer: int, quiz: int) -> uuid.UUID:
    return ident("attempt", explorer * 1000 + quiz)


def question_id(quiz: int, i: int) -> uuid.UUID:
    return ident("question", quiz * 100 + i)


def choice_id(quiz: int, i: int, c: int) -> uuid.UUID:
    return ident("choice", (quiz * 100 + i) * 10 + c)


async def refresh(conn: asyncpg.Connection[Any]) -> None:
    """Before each run: the prepared attempts open and started now (an attempt closes a
    day after it started), their answers and the check explorers' writes of a previous run
    gone, so every run measures the same database."""
    await conn.execute(
        "UPDATE quiz_attempt SET started_at = now(), closed_at = NULL, closed_reason = NULL, "
        "score = NULL, max_score = NULL, percent = NULL, passed = NULL, stars = NULL "
        "WHERE profile_id = ANY($1::uuid[])",
        [ident("explorer", e) for e in (*QUIZ_EXPLORERS, *QUIZ_CHECK)],
    )
    await conn.execute(
        "DELETE FROM quiz_response r USING quiz_attempt a WHERE r.attempt_id = a.id "
        "AND a.profile_id = ANY($1::uuid[])",
        [ident("explorer", e) for e in (*QUIZ_EXPLORERS, *QUIZ_CHECK)],
    )
    # Half the explorers have limits (a whole day's allowance, so none locks during a run):
    # their heartbeats and answers read the limits, today's learning time and any grant;
    # the others' find no limits row.
    await conn.execute(
        "INSERT INTO screen_limit (profile_id, daily_minutes) "
        "SELECT id, 1440 FROM profile WHERE get_byte(uuid_send(id), 15) % 2 = 0 "
        "ON CONFLICT DO NOTHING"
    )
    checks = [ident("explorer", e) for e in HEARTBEAT_CHECK]
    await conn.execute("DELETE FROM progress WHERE profile_id = ANY($1::uuid[])", checks)
    await conn.execute("DELETE FROM learning_time WHERE profile_id = ANY($1::uuid[])", checks)
