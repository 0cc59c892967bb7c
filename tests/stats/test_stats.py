"""Rollups and dashboards: idempotent days, backfills, today's live figures and the
small-numbers rule."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.catalog.seed import seed_catalogue
from app.runtime import Runtime
from app.stats import service
from tests.support.auth import make_account, signed_in

pytestmark = pytest.mark.asyncio

TODAY = datetime.now(UTC).date()
DAY = TODAY - timedelta(days=3)
QUIZ, ITEM = uuid.UUID(int=1), uuid.UUID(int=2)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


async def _sql(runtime: Runtime, statement: str, params: Any = None) -> Any:
    async with runtime.db.session() as session:
        result = await session.execute(sa.text(statement), params or {})
        return result.mappings().all() if result.returns_rows else None


async def _videos(runtime: Runtime) -> list[uuid.UUID]:
    async with runtime.db.session() as session:
        await seed_catalogue(session, runtime)
    rows = await _sql(runtime, "SELECT id FROM video ORDER BY id LIMIT 2")
    return [row["id"] for row in rows]


async def _explorers(runtime: Runtime, n: int, created: date) -> list[uuid.UUID]:
    account = await make_account(runtime, f"family-{uuid.uuid4().hex[:8]}@example.com")
    ids = [uuid.uuid4() for _ in range(n)]
    await _sql(
        runtime,
        "INSERT INTO profile (id, account_id, nickname, age_band, language, read_aloud, "
        "narration_speed, avatar, created_at, updated_at) VALUES (:id, :account, :nick, '6-8', "
        "'en', true, 1.0, '{}', :at, :at)",
        [
            {"id": i, "account": account.id, "nick": f"kid{k}", "at": at(created)}
            for k, i in enumerate(ids)
        ],
    )
    return ids


async def _activity(
    runtime: Runtime, profile: uuid.UUID, item: uuid.UUID, day: date, *, completed: bool = False
) -> None:
    await _sql(
        runtime,
        "INSERT INTO progress (profile_id, kind, item_id, status, percent, covered_units, "
        "total_units, spent_ms, last_credit_ms, started_at, completed_at) VALUES "
        "(:p, 'video', :item, :status, :percent, 0, 100, 60000, 0, :at, :done)",
        {
            "p": profile,
            "item": item,
            "status": "completed" if completed else "in_progress",
            "percent": 100 if completed else 10,
            "at": at(day),
            "done": at(day, 11) if completed else None,
        },
    )
    await _sql(
        runtime,
        "INSERT INTO learning_time (profile_id, bucket, kind, active_ms) "
        "VALUES (:p, :bucket, 'video', 120000)",
        {"p": profile, "bucket": at(day)},
    )


async def _world(runtime: Runtime) -> tuple[uuid.UUID, uuid.UUID]:
    """Six explorers start video A on DAY (three finish it), two start video B."""
    a, b = await _videos(runtime)
    kids = await _explorers(runtime, 8, DAY)
    for k, kid in enumerate(kids[:6]):
        await _activity(runtime, kid, a, DAY, completed=k < 3)
    for kid in kids[6:]:
        await _activity(runtime, kid, b, DAY)
    return a, b


async def _stored(runtime: Runtime) -> list[Any]:
    return [dict(r) for r in await _sql(runtime, "SELECT * FROM daily_stat ORDER BY day")] + [
        dict(r)
        for r in await _sql(runtime, "SELECT * FROM daily_item_stat ORDER BY day, kind, item_id")
    ]


async def test_a_day_rolled_up_twice_gives_identical_rows(runtime: Runtime) -> None:
    a, b = await _world(runtime)
    assert await service.rollup_stats(runtime, ["--date", DAY.isoformat()]) == (
        f"rolled up 1 day(s), {DAY} to {DAY}"
    )
    first = await _stored(runtime)
    await service.rollup_stats(runtime, ["--date", DAY.isoformat()])
    assert await _stored(runtime) == first

    day = first[0]
    assert day["day"] == DAY
    assert day["new_profiles"] == 8
    assert day["active_explorers"] == 8
    assert day["video_ms"] == 8 * 120000
    assert day["starts"] == 8
    assert day["completions"] == 3
    items = {row["item_id"]: (row["starts"], row["completions"]) for row in first[1:]}
    assert items == {a: (6, 3), b: (2, 0)}


async def test_a_range_backfills_every_day_and_refuses_days_not_over(runtime: Runtime) -> None:
    await _world(runtime)
    first = DAY - timedelta(days=2)
    await service.rollup_stats(runtime, ["--from", first.isoformat(), "--to", DAY.isoformat()])
    rows = await _sql(
        runtime, "SELECT day, active_explorers, active_7d FROM daily_stat ORDER BY day"
    )
    assert [(r["day"], r["active_explorers"]) for r in rows] == [
        (first, 0),
        (first + timedelta(days=1), 0),
        (DAY, 8),
    ]
    with pytest.raises(ValueError, match="once it is over"):
        await service.rollup_stats(runtime, ["--date", TODAY.isoformat()])


async def test_the_tick_fills_the_days_it_missed(runtime: Runtime) -> None:
    await _world(runtime)
    assert await service.catch_up(runtime) == f"rolled up {service.CATCH_UP_DAYS} day(s)"
    assert await service.catch_up(runtime) == "rolled up 1 day(s)"  # only yesterday again


async def test_content_hides_small_numbers(client: httpx.AsyncClient, runtime: Runtime) -> None:
    a, b = await _world(runtime)
    await service.rollup_stats(runtime, ["--date", DAY.isoformat()])
    editor = await signed_in(runtime, client, "editor@example.com", Role.editor)
    response = await client.get(
        "/api/v1/admin/stats/content",
        params={"from": (DAY - timedelta(days=1)).isoformat(), "to": DAY.isoformat()},
        headers=editor,
    )
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [item["id"] for item in items] == [str(a), str(b)]
    assert items[0]["starts"] == 6
    assert items[0]["completions"] == "fewer than 5"
    assert items[0]["completion_rate"] is None
    assert items[1]["starts"] == "fewer than 5"
    assert "nickname" not in response.text
    assert "profile" not in response.text

    by_rate = await client.get(
        "/api/v1/admin/stats/content",
        params={"sort": "completion_rate", "kind": "ebook", "to": DAY.isoformat()},
        headers=editor,
    )
    assert by_rate.status_code == 200
    assert by_rate.json()["items"] == []


async def test_overview_series_with_today_live(client: httpx.AsyncClient, runtime: Runtime) -> None:
    a, _ = await _world(runtime)
    await service.rollup_stats(runtime, ["--date", DAY.isoformat()])
    # Five explorers active today: not rolled up, read from the live tables.
    for kid in await _explorers(runtime, 5, TODAY):
        await _activity(runtime, kid, a, TODAY)
    editor = await signed_in(runtime, client, "editor@example.com", Role.editor)

    daily = await client.get(
        "/api/v1/admin/stats/overview",
        params={"from": DAY.isoformat(), "to": TODAY.isoformat()},
        headers=editor,
    )
    assert daily.status_code == 200, daily.text
    body = daily.json()
    assert body["includes_today"] is True
    assert body["from"] == DAY.isoformat()
    points = {p["start"]: p for p in body["points"]}
    assert len(points) == 4
    assert points[DAY.isoformat()]["dau"] == 8
    assert points[DAY.isoformat()]["minutes_watched"] == 16
    assert points[TODAY.isoformat()]["dau"] == 5
    assert points[TODAY.isoformat()]["wau"] == 13
    # Nobody on the days between: zero, which points at nobody.
    assert points[(DAY + timedelta(days=1)).isoformat()]["dau"] == 0

    monthly = await client.get(
        "/api/v1/admin/stats/overview",
        params={"from": DAY.isoformat(), "to": TODAY.isoformat(), "interval": "month"},
        headers=editor,
    )
    assert monthly.status_code == 200
    assert sum(p["starts"] for p in monthly.json()["points"] if isinstance(p["starts"], int)) >= 8


async def test_small_days_show_fewer_than_5(client: httpx.AsyncClient, runtime: Runtime) -> None:
    a, _ = await _videos(runtime)
    kids = await _explorers(runtime, 2, DAY)
    for kid in kids:
        await _activity(runtime, kid, a, DAY)
    await service.rollup_stats(runtime, ["--date", DAY.isoformat()])
    admin = await signed_in(runtime, client, "admin@example.com", Role.admin)
    response = await client.get(
        "/api/v1/admin/stats/overview",
        params={"from": DAY.isoformat(), "to": DAY.isoformat()},
        headers=admin,
    )
    point = response.json()["points"][0]
    assert point["dau"] == "fewer than 5"
    assert point["new_profiles"] == "fewer than 5"
    assert point["minutes_watched"] is None


async def test_bad_ranges_and_callers_are_refused(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    editor = await signed_in(runtime, client, "editor@example.com", Role.editor)
    parent = await signed_in(runtime, client, "parent@example.com")
    url = "/api/v1/admin/stats/overview"
    backwards = await client.get(
        url, params={"from": "2026-03-02", "to": "2026-03-01"}, headers=editor
    )
    assert backwards.status_code == 400
    assert backwards.json()["code"] == "invalid_range"
    too_long = await client.get(
        url, params={"from": "2020-01-01", "to": "2026-01-01"}, headers=editor
    )
    assert too_long.status_code == 400
    assert too_long.json()["code"] == "range_too_long"
    assert (await client.get(url, params={"interval": "year"}, headers=editor)).status_code == 422
    for path in (url, "/api/v1/admin/stats/content"):
        assert (await client.get(path, headers=parent)).status_code == 403
        assert (await client.get(path)).status_code == 401
        assert (await client.get(path, headers=editor)).status_code == 200


async def test_a_pass_rate_that_would_reveal_a_small_count_is_hidden(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    # (attempts, passed) per day: one pass, one failure, a clear split, all passed.
    days = {
        DAY - timedelta(days=3): (6, 1),
        DAY - timedelta(days=2): (6, 5),
        DAY - timedelta(days=1): (10, 5),
        DAY: (7, 7),
    }
    await _sql(
        runtime,
        "INSERT INTO daily_stat (day, new_accounts, new_profiles, active_explorers, active_7d, "
        "active_30d, video_ms, ebook_ms, diy_ms, starts, completions, quiz_attempts, "
        "quiz_passed) VALUES (:day, 0, 0, 10, 10, 10, 0, 0, 0, 0, 0, :attempts, :passed)",
        [{"day": d, "attempts": n, "passed": p} for d, (n, p) in days.items()],
    )
    # The overview counts quizzes from the cells of each item's day: one quiz on one video.
    await _sql(
        runtime,
        "INSERT INTO daily_quiz_stat (day, quiz_id, kind, item_id, attempts, passed) "
        "VALUES (:day, :quiz, 'video', :item, :attempts, :passed)",
        [
            {"day": d, "quiz": QUIZ, "item": ITEM, "attempts": n, "passed": p}
            for d, (n, p) in days.items()
        ],
    )
    editor = await signed_in(runtime, client, "editor@example.com", Role.editor)
    response = await client.get(
        "/api/v1/admin/stats/overview",
        params={"from": min(days).isoformat(), "to": DAY.isoformat()},
        headers=editor,
    )
    assert response.status_code == 200, response.text
    points = {p["start"]: p for p in response.json()["points"]}
    shown = {d: points[d.isoformat()]["quiz_pass_rate"] for d in days}
    assert shown == {
        DAY - timedelta(days=3): None,
        DAY - timedelta(days=2): None,
        DAY - timedelta(days=1): 0.5,
        DAY: 1.0,
    }
    assert points[min(days).isoformat()]["quiz_attempts"] == 6


def _hidden_changed(column: str) -> str:
    """SQL: a count from 1 to 4 replaced by another from 1 to 4; others left as they are."""
    return f"CASE WHEN {column} BETWEEN 1 AND 4 THEN {column} % 4 + 1 ELSE {column} END"


def _number(value: Any) -> int:
    return 0 if value == "fewer than 5" else int(value)


async def test_no_set_of_answers_gives_a_hidden_count_away(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    async with runtime.db.session() as session:
        await seed_catalogue(session, runtime)
    items = [r["id"] for r in await _sql(runtime, "SELECT id FROM video ORDER BY id LIMIT 4")]
    rng = random.Random(23)
    first, last = TODAY - timedelta(days=44), TODAY - timedelta(days=2)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def count() -> int:
        return rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 12])

    day_rows, item_rows, quiz_rows = [], [], []
    for day in days:
        active = count()
        day_rows.append(
            {
                "day": day,
                "accounts": rng.randint(0, 3),
                "profiles": count(),
                "active": active,
                "week": count(),
                "month": count(),
                "video": active * 90_000,
            }
        )
        for n, item in enumerate(items):
            item_rows.append({"day": day, "item": item, "s": count(), "c": count()})
            attempts = count()
            quiz_rows.append(
                {
                    "day": day,
                    "quiz": uuid.UUID(int=n + 1),
                    "item": item,
                    "a": attempts,
                    "p": rng.randint(0, attempts),
                }
            )
    await _sql(
        runtime,
        "INSERT INTO daily_stat (day, new_accounts, new_profiles, active_explorers, active_7d, "
        "active_30d, video_ms, ebook_ms, diy_ms, starts, completions, quiz_attempts, "
        "quiz_passed) VALUES (:day, :accounts, :profiles, :active, :week, :month, :video, 0, "
        "0, 0, 0, 0, 0)",
        day_rows,
    )
    await _sql(
        runtime,
        "INSERT INTO daily_item_stat (day, kind, item_id, starts, completions) "
        "VALUES (:day, 'video', :item, :s, :c)",
        item_rows,
    )
    await _sql(
        runtime,
        "INSERT INTO daily_quiz_stat (day, quiz_id, kind, item_id, attempts, passed) "
        "VALUES (:day, :quiz, 'video', :item, :a, :p)",
        quiz_rows,
    )
    editor = await signed_in(runtime, client, "editor@example.com", Role.editor)
    ranges = [
        (first, last),
        (first + timedelta(days=3), first + timedelta(days=20)),
        (first + timedelta(days=10), last),
        (first + timedelta(days=5), first + timedelta(days=12)),
    ]
    one_days = [first + timedelta(days=n) for n in range(5, 13)]

    async def answers() -> dict[str, Any]:
        found: dict[str, Any] = {}
        for start, end in ranges:
            for interval in ("day", "week", "month"):
                params = {"from": start.isoformat(), "to": end.isoformat(), "interval": interval}
                response = await client.get(
                    "/api/v1/admin/stats/overview", params=params, headers=editor
                )
                assert response.status_code == 200, response.text
                found[f"overview {start} {end} {interval}"] = response.json()["points"]
            for sort in ("starts", "completions", "completion_rate"):
                params = {"from": start.isoformat(), "to": end.isoformat(), "sort": sort}
                response = await client.get(
                    "/api/v1/admin/stats/content", params=params, headers=editor
                )
                assert response.status_code == 200, response.text
                found[f"content {start} {end} {sort}"] = response.json()["items"]
        for day in one_days:
            params = {"from": day.isoformat(), "to": day.isoformat()}
            response = await client.get(
                "/api/v1/admin/stats/content", params=params, headers=editor
            )
            found[f"content {day}"] = response.json()["items"]
        return found

    seen = await answers()
    # Another world: every hidden count replaced by a different one from 1 to 4 (and the
    # minutes of days whose explorers are hidden changed too); nothing shown is touched.
    await _sql(
        runtime,
        "UPDATE daily_stat SET "
        + ", ".join(
            f"{c} = {_hidden_changed(c)}"
            for c in ("new_profiles", "active_explorers", "active_7d", "active_30d")
        )
        + ", video_ms = CASE WHEN active_explorers BETWEEN 1 AND 4 THEN video_ms + 420000 "
        "ELSE video_ms END",
    )
    await _sql(
        runtime,
        f"UPDATE daily_item_stat SET starts = {_hidden_changed('starts')}, "
        f"completions = {_hidden_changed('completions')}",
    )
    await _sql(
        runtime,
        f"UPDATE daily_quiz_stat SET attempts = {_hidden_changed('attempts')}, passed = CASE "
        "WHEN attempts BETWEEN 1 AND 4 THEN 0 WHEN passed BETWEEN 1 AND 4 THEN passed % 4 + 1 "
        "WHEN attempts - passed BETWEEN 1 AND 4 THEN attempts - ((attempts - passed) % 4 + 1) "
        "ELSE passed END",
    )
    changed = await _sql(
        runtime, "SELECT count(*) AS n FROM daily_item_stat WHERE starts BETWEEN 1 AND 4"
    )
    assert changed[0]["n"] > 20
    # Whatever is asked, by day, week or month, over any of the ranges: the same answers.
    # No combination of them can tell the two worlds apart, so none gives a hidden count.
    assert await answers() == seen

    # And the sums agree: a week or a month is the sum of its days as shown (a hidden day
    # adds nothing), so "a week minus its other days" is zero, never the hidden count.
    start, end = ranges[0]
    daily = {p["start"]: p for p in seen[f"overview {start} {end} day"]}
    assert any(p["starts"] == "fewer than 5" for p in daily.values())
    for interval in ("week", "month"):
        for point in seen[f"overview {start} {end} {interval}"]:
            inside = [p for d, p in daily.items() if point["start"] <= d <= point["end"]]
            for name in ("new_accounts", "new_profiles", "starts", "completions"):
                assert _number(point[name]) == sum(_number(p[name]) for p in inside), name
            assert _number(point["quiz_attempts"]) == sum(
                _number(p["quiz_attempts"]) for p in inside
            )
            watched = [p["minutes_watched"] for p in inside if p["minutes_watched"] is not None]
            assert point["minutes_watched"] == (sum(watched) if watched else None)
            if any(p["starts"] == "fewer than 5" for p in inside):
                assert "starts" in point["partial"]
    # Per item too: a range is the sum of its days.
    start, end = ranges[3]
    ranged = {i["id"]: i for i in seen[f"content {start} {end} starts"]}
    for item, figures in ranged.items():
        for name in ("starts", "completions", "quiz_attempts"):
            by_day = [
                _number(i[name])
                for day in one_days
                for i in seen[f"content {day}"]
                if i["id"] == item
            ]
            assert _number(figures[name]) == sum(by_day), (item, name)
