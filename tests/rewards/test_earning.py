"""Badges are earned once, exactly when deserved: at the boundary of each criterion kind,
in the transaction of the heartbeat or quiz submit that meets it, never twice."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa

from app.progress.service import streaks
from app.runtime import Runtime
from tests.progress.fixtures import Catalogue, Clock, Explorer, at
from tests.progress.test_streaks_and_activity import learn
from tests.quizzes.helpers import create_quiz, quiz_body, right_answers, take, wrong_answers
from tests.rewards.helpers import (
    awards,
    define,
    earned,
    finish_diy,
    finish_ebook,
    finish_video,
)


async def _next(client: httpx.AsyncClient, who: Explorer) -> list[tuple[str, int, int]]:
    body = (await client.get(who.url("/badges"), headers=who.kid)).json()
    return [(n["badge"]["title"], n["progress"], n["goal"]) for n in body["next"]]


async def test_items_completed_is_earned_by_the_completing_heartbeat_and_once(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    clock: Clock,
    editor: dict[str, str],
) -> None:
    await define(client, editor, "two-adventures", {"kind": "items_completed", "count": 2})
    await finish_video(client, explorer, catalogue.video, clock)
    assert await earned(client, explorer) == []
    assert await _next(client, explorer) == [("Two Adventures", 1, 2)]
    # Re-watching a completed item counts nothing.
    await finish_video(client, explorer, catalogue.video, clock)
    assert await _next(client, explorer) == [("Two Adventures", 1, 2)]

    response = await finish_ebook(client, explorer, catalogue.ebook, clock, read_aloud=False)
    assert response.json()["status"] == "completed"
    assert await earned(client, explorer) == ["Two Adventures"]
    badges = (await client.get(explorer.url("/badges"), headers=explorer.parent)).json()
    assert badges["earned"][0]["earned_at"] == clock.now.isoformat().replace("+00:00", "Z")
    assert badges["next"] == []
    # The same heartbeat again (a retry), and more completions: still one award.
    replay = await client.put(
        explorer.url(f"/progress/ebook/{catalogue.ebook}"),
        json={"page": 4, "pages_read": [1, 2, 3, 4], "sent_at": at(clock)},
        headers=explorer.kid,
    )
    assert replay.status_code == 200
    await finish_diy(client, explorer, catalogue.diy, clock)
    assert await awards(runtime, explorer.profile_id) == 1


async def test_each_filter_counts_only_its_items(
    client: httpx.AsyncClient,
    catalogue: Catalogue,
    explorer: Explorer,
    stranger: Explorer,
    clock: Clock,
    editor: dict[str, str],
) -> None:
    series = (await client.get("/api/v1/series")).json()["items"][0]["id"]
    for slug, criterion in (
        ("an-ebook", {"kind": "items_completed", "count": 1, "of": {"item_kind": "ebook"}}),
        (
            "two-stories",
            {
                "kind": "items_completed",
                "count": 2,
                "of": {"theme_id": catalogue.themes["stories"]},
            },
        ),
        ("drummer", {"kind": "items_completed", "count": 1, "of": {"series_id": series}}),
        ("paper-drum", {"kind": "items_completed", "count": 1, "of": {"item_id": catalogue.diy}}),
        ("maker", {"kind": "diys_finished", "count": 1}),
        ("listener", {"kind": "ebooks_read_aloud", "count": 1}),
    ):
        await define(client, editor, slug, criterion)

    await finish_video(client, explorer, catalogue.video, clock)
    assert await earned(client, explorer) == []
    await finish_ebook(client, explorer, catalogue.ebook, clock, read_aloud=False)
    assert await earned(client, explorer) == ["An Ebook"]  # read silently: not "listener"
    await finish_video(client, explorer, catalogue.video2, clock)
    assert "Two Stories" in await earned(client, explorer)
    await finish_video(client, explorer, catalogue.episode, clock)
    assert "Drummer" in await earned(client, explorer)
    await finish_diy(client, explorer, catalogue.diy, clock)
    assert set(await earned(client, explorer)) == {
        "An Ebook",
        "Two Stories",
        "Drummer",
        "Paper Drum",
        "Maker",
    }
    # Read aloud to the end: the one kind left, for another explorer.
    await finish_ebook(client, stranger, catalogue.ebook, clock, read_aloud=True)
    assert set(await earned(client, stranger)) == {"An Ebook", "Listener"}


async def test_quizzes_count_once_each_when_first_passed_or_mastered(
    client: httpx.AsyncClient,
    catalogue: Catalogue,
    explorer: Explorer,
    editor: dict[str, str],
) -> None:
    await define(client, editor, "two-quizzes", {"kind": "quizzes_passed", "count": 2})
    await define(
        client, editor, "hard-one", {"kind": "quizzes_passed", "count": 1, "difficulty": "hard"}
    )
    await define(client, editor, "three-stars", {"kind": "quizzes_mastered", "count": 1})
    easy = await create_quiz(client, editor, quiz_body(catalogue.video, title="Easy"))
    hard = await create_quiz(
        client, editor, quiz_body(catalogue.video, title="Hard", difficulty="hard")
    )
    almost = right_answers(easy)
    one_point = next(q for q in easy["questions"] if q["points"] == 1)
    almost[one_point["id"]] = wrong_answers(easy)[one_point["id"]]

    assert (await take(client, explorer, easy, wrong_answers(easy)))["passed"] is False
    assert await _next(client, explorer) == []
    result = await take(client, explorer, easy, almost)
    assert (result["passed"], result["stars"]) == (True, 2)
    assert await earned(client, explorer) == []
    assert await _next(client, explorer) == [("Two Quizzes", 1, 2)]
    # Mastering the same quiz: "three stars", but it is still one quiz passed.
    assert (await take(client, explorer, easy, right_answers(easy)))["stars"] == 3
    assert await earned(client, explorer) == ["Three Stars"]
    assert await _next(client, explorer) == [("Two Quizzes", 1, 2)]
    await take(client, explorer, hard, right_answers(hard))
    assert set(await earned(client, explorer)) == {"Three Stars", "Two Quizzes", "Hard One"}


async def test_a_streak_badge_is_earned_by_the_heartbeat_that_makes_the_day_count(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    clock: Clock,
    editor: dict[str, str],
) -> None:
    minutes = runtime.settings.streak_minutes
    await define(client, editor, "two-days", {"kind": "streak_days", "days": 2})
    monday = datetime(2026, 6, 8, 12, tzinfo=UTC)
    await learn(client, explorer, catalogue.video, clock, monday, minutes)
    assert await earned(client, explorer) == []
    assert await _next(client, explorer) == [("Two Days", 1, 2)]
    # Tuesday, one minute short: the day does not count yet.
    await learn(client, explorer, catalogue.video, clock, monday + timedelta(days=1), minutes - 1)
    assert await earned(client, explorer) == []
    clock.advance(60)
    response = await client.put(
        explorer.url(f"/progress/video/{catalogue.video}"),
        json={"position_ms": 60_000, "watched": [[0, 60_000]], "sent_at": at(clock)},
        headers=explorer.kid,
    )
    assert response.status_code == 200
    assert await earned(client, explorer) == ["Two Days"]
    # More learning that day, and the next days: earned once.
    await learn(client, explorer, catalogue.video, clock, monday + timedelta(days=2), minutes)
    assert await awards(runtime, explorer.profile_id) == 1


async def test_the_streak_the_database_counts_is_the_streak_the_library_shows(
    runtime: Runtime,
) -> None:
    rnd = random.Random(28)
    async with runtime.db.session() as session:
        for _ in range(300):
            today = date(2026, 6, 1) + timedelta(days=rnd.randint(0, 30))
            share = rnd.random()
            days = {today - timedelta(days=n) for n in range(40) if rnd.random() < share}
            counted = await session.scalar(
                sa.text("SELECT reward_streak(CAST(:days AS date[]), :today)").bindparams(
                    days=sorted(days), today=today
                )
            )
            assert counted == streaks(days, today)[0], (sorted(days), today)


async def test_changing_a_criterion_never_takes_a_badge_back(
    client: httpx.AsyncClient,
    catalogue: Catalogue,
    explorer: Explorer,
    clock: Clock,
    editor: dict[str, str],
) -> None:
    badge = await define(client, editor, "first", {"kind": "items_completed", "count": 1})
    await finish_video(client, explorer, catalogue.video, clock)
    assert await earned(client, explorer) == ["First"]
    changed = await client.patch(
        f"/api/v1/admin/badges/{badge['id']}",
        json={"criterion": {"kind": "items_completed", "count": 5}},
        headers=editor,
    )
    assert changed.status_code == 200, changed.text
    criterion = changed.json()["criterion"]
    assert (criterion["kind"], criterion["count"]) == ("items_completed", 5)
    assert await earned(client, explorer) == ["First"]
    deleted = await client.delete(f"/api/v1/admin/badges/{badge['id']}", headers=editor)
    assert deleted.status_code == 409
    assert deleted.json()["code"] == "badge_earned"
    # A badge defined later is earned with the next step that counts.
    await define(client, editor, "second", {"kind": "items_completed", "count": 1})
    assert await earned(client, explorer) == ["First"]
    await finish_diy(client, explorer, catalogue.diy, clock)
    assert await earned(client, explorer) == ["Second", "First"]


async def test_parents_turn_rewards_off_and_on(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    clock: Clock,
    editor: dict[str, str],
) -> None:
    await define(client, editor, "first", {"kind": "items_completed", "count": 1})
    url = explorer.url("/rewards")
    refused = await client.put(url, json={"enabled": False}, headers=explorer.kid)
    assert refused.status_code == 403
    off = await client.put(url, json={"enabled": False}, headers=explorer.parent)
    assert off.json() == {"enabled": False, "tell_parent": False}
    await finish_video(client, explorer, catalogue.video, clock)
    badges = (await client.get(explorer.url("/badges"), headers=explorer.kid)).json()
    assert badges == {"enabled": False, "earned": [], "next": []}
    assert await awards(runtime, explorer.profile_id) == 0
    await runtime.worker.run_due()
    inbox = (await client.get("/api/v1/notifications", headers=explorer.kid)).json()
    assert inbox["items"] == []

    on = await client.put(url, json={"enabled": True}, headers=explorer.parent)
    assert on.status_code == 200
    # What was learned meanwhile still counts: the next completion earns the badge.
    await finish_diy(client, explorer, catalogue.diy, clock)
    assert await earned(client, explorer) == ["First"]
    library = (await client.get(explorer.url("/library"), headers=explorer.kid)).json()
    assert library["latest_badge"]["title"] == "First"
    tab = await client.get(
        "/api/v1/tabs/my-explorer", params={"profile_id": explorer.profile_id}, headers=explorer.kid
    )
    assert tab.status_code == 200, tab.text
    assert tab.json()["latest_badge"]["title"] == "First"
    await client.put(url, json={"enabled": False}, headers=explorer.parent)
    library = (await client.get(explorer.url("/library"), headers=explorer.kid)).json()
    assert library["latest_badge"] is None


async def _inbox(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[Any]:
    response = await client.get("/api/v1/notifications", params=params, headers=headers)
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items


async def test_earning_tells_the_explorer_and_the_parent_who_asked(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    clock: Clock,
    editor: dict[str, str],
) -> None:
    await define(
        client,
        editor,
        "first",
        {"kind": "items_completed", "count": 1},
        description="Your first adventure!",
    )
    await define(client, editor, "maker", {"kind": "diys_finished", "count": 1})
    await finish_video(client, explorer, catalogue.video, clock)
    await runtime.worker.run_due()
    await runtime.worker.run_due()  # a second delivery sends nothing twice
    [note] = await _inbox(client, explorer.kid)
    assert (note["category"], note["title"], note["body"]) == (
        "reward",
        "New badge: First!",
        "Your first adventure!",
    )
    async with runtime.db.session() as session:
        events = (
            await session.execute(
                sa.text(
                    "SELECT type, data FROM notification_event "
                    "WHERE profile_id = CAST(:p AS uuid) ORDER BY seq"
                ).bindparams(p=explorer.profile_id)
            )
        ).all()
    assert [(e.type, e.data["title"]) for e in events if e.type == "badge_earned"] == [
        ("badge_earned", "First")
    ]
    assert [n for n in await _inbox(client, explorer.parent) if n["profile_id"] is None] == []

    told = await client.put(
        explorer.url("/rewards"),
        json={"enabled": True, "tell_parent": True},
        headers=explorer.parent,
    )
    assert told.json() == {"enabled": True, "tell_parent": True}
    await finish_diy(client, explorer, catalogue.diy, clock)
    await runtime.worker.run_due()
    parents = [n for n in await _inbox(client, explorer.parent) if n["profile_id"] is None]
    assert [n["title"] for n in parents] == ["Ama earned a badge: Maker"]


class _Recorder:
    """The task backend, recording what is handed to it (and delivering nothing)."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.submitted: list[Any] = []

    async def submit(self, tasks: list[Any]) -> None:
        self.submitted.extend(tasks)

    async def stop(self) -> None:
        await self.backend.stop()


async def test_announcements_go_to_the_task_backend_as_soon_as_committed(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    clock: Clock,
    editor: dict[str, str],
) -> None:
    await define(client, editor, "first", {"kind": "items_completed", "count": 1})
    await define(client, editor, "quiz", {"kind": "quizzes_passed", "count": 1})
    recorder = _Recorder(runtime.tasks)
    runtime.tasks = recorder  # type: ignore[assignment]
    await finish_diy(client, explorer, catalogue.diy, clock)
    quiz = await create_quiz(client, editor, quiz_body(catalogue.video))
    await take(client, explorer, quiz, right_answers(quiz))
    async with runtime.db.session() as session:
        stored = (
            await session.execute(
                sa.text("SELECT id FROM outbox_message WHERE name = 'rewards.badge_earned'")
            )
        ).scalars()
        ids = set(stored)
    handed = [t for t in recorder.submitted if t.name == "rewards.badge_earned"]
    assert len(ids) == 2
    assert {t.id for t in handed} == ids


async def test_reward_settings_take_booleans_only(
    client: httpx.AsyncClient, explorer: Explorer
) -> None:
    for body in ({"enabled": 0}, {"enabled": True, "tell_parent": "yes"}, {}):
        refused = await client.put(explorer.url("/rewards"), json=body, headers=explorer.parent)
        assert refused.status_code == 422, body
    kept = await client.get(explorer.url("/rewards"), headers=explorer.parent)
    assert kept.json() == {"enabled": True, "tell_parent": False}
