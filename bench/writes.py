"""Request plans and checks for the progress, library and quiz scenarios.

A write is checked, before anything is measured, by sending the same requests to the app
and to the floor for two explorers prepared alike (bench/learners.py): the answers must be
the same JSON, and the rows each side leaves in the database the same, but for the
explorer and the server's own clock (timestamps are compared as present or absent).
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from bench import learners
from bench.scenarios import Call, Context

JSON = "Content-Type: application/json"
HEARTBEAT_PER_CLIENT = 8  # explorers per client (one device each), two videos each


def _auth(ctx: Context, explorer: int) -> str:
    """The explorer's own token, as the app sends it in kid mode: the app then checks the
    explorer's limits on each heartbeat and answer (the floor does not)."""
    family = learners.ident("family", learners.family_of(explorer))
    profile = learners.ident("explorer", explorer)
    return f"Authorization: Bearer {ctx.explorer_token_for(family, profile)}"


def _fetch(dsn: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    async def run() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(dsn)
        try:
            rows: list[asyncpg.Record] = await conn.fetch(sql, *args)
            return rows
        finally:
            await conn.close()

    return asyncio.run(run())


def _dsn(ctx: Context, server: str) -> str:
    dsn = ctx.dsn_of(server)
    assert dsn is not None, server
    return dsn


def _explorers(dsn: str) -> int:
    rows = int(_fetch(dsn, "SELECT progress_rows FROM bench_dataset")[0][0])
    return learners.explorer_count(rows)


# --- heartbeats -------------------------------------------------------------------------


def heartbeats(server: str, clients: int = 64) -> Any:
    """Each client the device of HEARTBEAT_PER_CLIENT explorers picked at random over the
    whole table, each explorer two of the videos they already watch (an update, as nearly
    every heartbeat is), sent in turn with the next ten seconds played."""

    def build(ctx: Context) -> Call:
        key = f"heartbeats-{ctx.dsn_of(server)}"
        if key not in ctx.memo:
            dsn = _dsn(ctx, server)
            rng = random.Random(11)
            population = range(learners.FIRST_HEARTBEAT_EXPLORER, _explorers(dsn))
            picked = rng.sample(population, min(len(population), clients * HEARTBEAT_PER_CLIENT))
            rows = _fetch(
                dsn,
                "SELECT profile_id, item_id, total_units FROM progress "
                "WHERE profile_id = ANY($1::uuid[]) AND kind = 'video'",
                [learners.ident("explorer", n) for n in picked],
            )
            by_explorer: dict[uuid.UUID, list[asyncpg.Record]] = {}
            for row in rows:
                by_explorer.setdefault(row["profile_id"], []).append(row)
            plan = []
            for c in range(clients):
                # One device per explorer: an explorer's heartbeats come from one client.
                mine = picked[c::clients]
                entries = []
                for n in mine:
                    videos = by_explorer[learners.ident("explorer", n)]
                    per = max(2, 2 * HEARTBEAT_PER_CLIENT // len(mine))
                    for row in rng.sample(videos, min(per, len(videos))):
                        entries.append(
                            {
                                "path": f"/api/v1/profiles/{row['profile_id']}/progress/video/"
                                f"{row['item_id']}",
                                "headers": [JSON, _auth(ctx, n)],
                                "duration_ms": int(row["total_units"]),
                                "start_ms": rng.randrange(0, int(row["total_units"])),
                            }
                        )
                plan.append(entries)
            ctx.memo[key] = plan
        plan = ctx.memo[key]
        first = plan[0][0]
        return Call(
            first["path"],
            "PUT",
            '{"position_ms": 10000, "watched": [[0, 10000]], "sent_at": "2026-01-01T00:00:00Z"}',
            tuple(first["headers"]),
            plan={"kind": "heartbeat", "clients": plan},
        )

    return build


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


TIMES = {"started_at", "updated_at", "completed_at", "heartbeat_at", "answered_at", "earned_at"}


def _normal(value: Any) -> Any:
    """A document with the server's own clock taken out: a time is only there or not."""
    if isinstance(value, dict):
        return {
            k: (v is not None if k in TIMES else _normal(v))
            for k, v in value.items()
            if k not in ("profile_id", "item_id", "attempt_id", "question_id")
        }
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    return value


def _same(what: str, app: Any, ref: Any) -> None:
    if _normal(app) != _normal(ref):
        raise SystemExit(
            f"{what}: the floor does not do what the app does\n  app:   {_normal(app)}\n"
            f"  floor: {_normal(ref)}\nfix the floor before measuring"
        )


def check_heartbeat(ctx: Context, app: str, ref: str) -> None:
    """A first heartbeat (an insert), a newer one a second later (an update crediting one
    second), and that one again (a duplicate: nothing written): the same answers from both
    sides, and the same progress and learning-time rows afterwards."""
    dsn = _dsn(ctx, app)
    assert dsn == ctx.dsn_of(ref)
    video = _fetch(
        dsn, "SELECT id, duration_ms FROM video WHERE duration_ms > 60000 ORDER BY id LIMIT 1"
    )[0]
    sides = dict(zip((app, ref), learners.HEARTBEAT_CHECK, strict=True))
    t0 = datetime.now(UTC) - timedelta(seconds=30)
    beats = [
        {"position_ms": 20_000, "watched": [[0, 20_000]], "sent_at": _iso(t0)},
        {
            "position_ms": 30_000,
            "watched": [[20_000, 30_000]],
            "sent_at": _iso(t0 + timedelta(seconds=1)),
        },
    ]
    answers: dict[str, list[Any]] = {app: [], ref: []}
    for i, beat in enumerate([beats[0], beats[1], beats[1]]):
        if i == 1:
            time.sleep(1.5)  # the server's clock must allow the one second claimed
        for server, explorer in sides.items():
            response = httpx.put(
                f"http://127.0.0.1:{ctx.facts['port'][server]}/api/v1/profiles/"
                f"{learners.ident('explorer', explorer)}/progress/video/{video['id']}",
                json=beat,
                headers=dict([_auth(ctx, explorer).split(": ", 1)]),
            )
            if not response.content:
                raise SystemExit(
                    f"heartbeat check: {server} answered {response.status_code} with no body"
                )
            answers[server].append((response.status_code, response.json()))
    _same("heartbeat answers", answers[app], answers[ref])
    for table, sql in (
        ("progress", "SELECT * FROM progress WHERE profile_id = $1 ORDER BY item_id"),
        ("learning_time", "SELECT * FROM learning_time WHERE profile_id = $1 ORDER BY bucket"),
    ):
        rows = {
            server: [
                {k: (str(v) if k == "covered" else v) for k, v in dict(r).items()}
                for r in _fetch(dsn, sql, learners.ident("explorer", explorer))
            ]
            for server, explorer in sides.items()
        }
        if not rows[app]:
            raise SystemExit(f"heartbeat check: the app wrote no {table} row")
        _same(f"{table} rows after the heartbeats", rows[app], rows[ref])
    print("heartbeat: floor and app answer and write the same", flush=True)


# --- the library ------------------------------------------------------------------------


def library(ctx: Context) -> Call:
    explorer = learners.LIBRARY_EXPLORER
    return Call(
        f"/api/v1/profiles/{learners.ident('explorer', explorer)}/library",
        headers=(_auth(ctx, explorer),),
    )


# --- quiz answers -----------------------------------------------------------------------


def _answer_path(explorer: int, quiz: int, question: int) -> str:
    return (
        f"/api/v1/profiles/{learners.ident('explorer', explorer)}/attempts/"
        f"{learners.attempt_id(explorer, quiz)}/answers/{learners.question_id(quiz, question)}"
    )


def _answer(quiz: int, question: int, choice: int, hint: bool = False) -> str:
    picked = learners.choice_id(quiz, question, choice)
    return f'{{"choice_ids": ["{picked}"], "hint_used": {"true" if hint else "false"}}}'


def answers(ctx: Context) -> Call:
    """Each client an explorer's two open attempts: every question answered, then every
    one changed (answers may change until the attempt is submitted), and again: each
    request differs from the answer stored, so each is a write."""
    attempts = [(e, q) for e in learners.QUIZ_EXPLORERS for q in range(learners.QUIZZES)]
    per_client = len(attempts) // 64
    plan: list[list[dict[str, Any]]] = []
    for c in range(64):
        mine = attempts[c * per_client : (c + 1) * per_client]
        plan.append(
            [
                {
                    "method": "PUT",
                    "path": _answer_path(e, q, i),
                    "headers": [JSON, _auth(ctx, e)],
                    "body": _answer(q, i, choice),
                }
                for choice in (0, 1)
                for e, q in mine
                for i in range(learners.QUESTIONS)
            ]
        )
    first = plan[0][0]
    return Call(
        first["path"],
        "PUT",
        first["body"],
        tuple(first["headers"]),
        plan={"kind": "cycle", "clients": plan},
    )


def reset_answers(ctx: Context, server: str) -> None:
    """Before each round: the load's attempts without answers, so that a round's first
    answer to a question is new and every later one a change, whatever the last round
    left."""
    _fetch(
        _dsn(ctx, server),
        "DELETE FROM quiz_response r USING quiz_attempt a WHERE r.attempt_id = a.id "
        "AND a.profile_id = ANY($1::uuid[])",
        [learners.ident("explorer", e) for e in learners.QUIZ_EXPLORERS],
    )


def check_answers(ctx: Context, app: str, ref: str) -> None:
    """A new answer, another question, the first changed, the same again (counted once)
    and one with a hint: the same answers and the same stored responses on both sides."""
    dsn = _dsn(ctx, app)
    sides = dict(zip((app, ref), learners.QUIZ_CHECK, strict=True))
    steps = [(0, 1, False), (1, 0, False), (0, 0, False), (0, 0, False), (2, 2, True)]
    got: dict[str, list[Any]] = {app: [], ref: []}
    for question, choice, hint in steps:
        for server, explorer in sides.items():
            response = httpx.put(
                f"http://127.0.0.1:{ctx.facts['port'][server]}"
                f"{_answer_path(explorer, 0, question)}",
                content=_answer(0, question, choice, hint),
                headers=dict(h.split(": ", 1) for h in (JSON, _auth(ctx, explorer))),
            )
            got[server].append((response.status_code, response.json()))
    _same("quiz answers", got[app], got[ref])
    rows = {
        server: [
            dict(r)
            for r in _fetch(
                dsn,
                "SELECT question_id, choice_ids, hint_used, correct, points_awarded, "
                "answered_at, updated_at FROM quiz_response WHERE attempt_id = $1 "
                "ORDER BY question_id",
                learners.attempt_id(explorer, 0),
            )
        ]
        for server, explorer in sides.items()
    }
    if len(rows[app]) != 3:
        raise SystemExit(f"quiz check: the app stored {len(rows[app])} answers, not 3")
    # The same questions and choices (the check attempts share quiz 0).
    for r in (*rows[app], *rows[ref]):
        r["question"] = str(r["question_id"])
        r["choice_ids"] = [str(c) for c in r["choice_ids"]]
    _same("quiz responses after the answers", rows[app], rows[ref])
    print("quiz answers: floor and app answer and write the same", flush=True)
