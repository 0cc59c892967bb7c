"""What explorers learned before badges existed counts: the migration's backfill writes the
facts, counters and active days that the requests write, from progress, learning time and
quiz attempts."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import sqlalchemy as sa

from app.runtime import Runtime
from tests.progress.fixtures import Catalogue, Clock, Explorer
from tests.progress.test_streaks_and_activity import learn
from tests.quizzes.helpers import create_quiz, quiz_body, right_answers, take
from tests.rewards.helpers import finish_diy, finish_ebook, finish_video

MIGRATION = Path(__file__).parents[2] / "alembic/versions/20261208_7c1e4a9b2d60_badges.py"
TABLES = {
    "reward_fact": "what, subject_id",
    "reward_tally": "key, count",
    "reward_day": "day, active_ms, active",
}


def _migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("badges_migration", MIGRATION)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def _rows(runtime: Runtime, profile_id: str) -> dict[str, list[Any]]:
    found = {}
    async with runtime.db.session() as session:
        for table, columns in TABLES.items():
            result = await session.execute(
                sa.text(
                    f"SELECT {columns} FROM {table} WHERE profile_id = CAST(:p AS uuid) "
                    f"ORDER BY {columns}"
                ).bindparams(p=profile_id)
            )
            found[table] = [tuple(row) for row in result.all()]
    return found


async def test_the_backfill_counts_what_the_requests_count(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    clock: Clock,
    editor: dict[str, str],
) -> None:
    assert runtime.settings.streak_minutes == 5  # the backfill's default
    monday = datetime(2026, 6, 8, 12, tzinfo=UTC)
    await learn(client, explorer, catalogue.video2, clock, monday, 6)
    await learn(client, explorer, catalogue.video2, clock, monday + timedelta(days=1), 2)
    clock.set(monday + timedelta(days=2))
    await finish_video(client, explorer, catalogue.episode, clock)
    await finish_ebook(client, explorer, catalogue.ebook, clock, read_aloud=True)
    await finish_diy(client, explorer, catalogue.diy, clock)
    quiz = await create_quiz(client, editor, quiz_body(catalogue.video, difficulty="medium"))
    await take(client, explorer, quiz, right_answers(quiz))
    await take(client, explorer, quiz, right_answers(quiz))
    live = await _rows(runtime, explorer.profile_id)
    assert ("quiz_mastered:medium", 1) in live["reward_tally"]
    assert [active for _, _, active in live["reward_day"]] == [True, False, True]

    async with runtime.db.session() as session:
        for table in TABLES:
            await session.execute(sa.text(f"DELETE FROM {table}"))
        for statement in _migration()._BACKFILL:
            await session.execute(sa.text(statement))
    assert await _rows(runtime, explorer.profile_id) == live
