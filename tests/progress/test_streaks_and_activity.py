"""Streaks and the parents' activity view: days in the family's time zone (also across a
daylight-saving change), grace days, STREAK_MINUTES, and 403 to an explorer token."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx

from app.progress.service import streaks
from app.runtime import Runtime
from tests.progress.fixtures import Catalogue, Clock, Explorer, at, make_explorer


def d(day: int, month: int = 6) -> date:
    return date(2026, month, day)


def test_grace_days_forgive_one_missed_day_per_sunday_to_saturday_week() -> None:
    # June 2026: the 7th and the 14th are Sundays.
    assert streaks(set(), d(10)) == (0, 0)
    assert streaks({d(8), d(9), d(10)}, d(10)) == (3, 3)
    # Not having learned yet today breaks nothing.
    assert streaks({d(8), d(9)}, d(10)) == (2, 2)
    # One missed day in a week is forgiven, and adds nothing.
    assert streaks({d(8), d(10), d(11)}, d(11)) == (3, 3)
    # A weekend away (Saturday 13th, Sunday 14th) is one day in each of two weeks.
    assert streaks({d(11), d(12), d(15)}, d(15)) == (3, 3)
    # Two missed days in one week break the run; the longest is kept.
    assert streaks({d(1), d(2), d(3), d(5), d(8)}, d(8)) == (2, 4)
    # The run after a break may still use the first miss's week again.
    assert streaks({d(8), d(10), d(12)}, d(12)) == (2, 2)
    # Two days missed before today: broken.
    assert streaks({d(8), d(9)}, d(12)) == (0, 2)


async def learn(
    client: httpx.AsyncClient, who: Explorer, video: str, clock: Clock, when: datetime, minutes: int
) -> None:
    """`minutes` minutes of watching from `when`: a heartbeat as playing starts, then one a
    minute (the first minute again and again: time spent counts re-watching too)."""
    clock.set(when)
    for n in range(minutes + 1):
        if n:
            clock.advance(60)
        played = [[0, 60_000]] if n else []
        response = await client.put(
            who.url(f"/progress/video/{video}"),
            json={"position_ms": 60_000 if n else 0, "watched": played, "sent_at": at(clock)},
            headers=who.kid,
        )
        assert response.status_code == 200, response.text


async def set_zone(client: httpx.AsyncClient, who: Explorer, zone: str) -> None:
    response = await client.patch(
        "/api/v1/accounts/me", json={"timezone": zone}, headers=who.parent
    )
    assert response.status_code == 200, response.text


async def days_with_minutes(
    client: httpx.AsyncClient, who: Explorer, start: str, end: str
) -> dict[str, float]:
    response = await client.get(who.url(f"/activity?from={start}&to={end}"), headers=who.parent)
    assert response.status_code == 200, response.text
    return {
        day["date"]: day["minutes"]["video"]
        for day in response.json()["days"]
        if day["minutes"]["video"]
    }


async def stats(client: httpx.AsyncClient, who: Explorer) -> dict[str, int]:
    response = await client.get(who.url("/library"), headers=who.kid)
    assert response.status_code == 200, response.text
    result: dict[str, int] = response.json()["stats"]
    return result


async def test_days_follow_the_family_clock_across_a_daylight_saving_change(
    client: httpx.AsyncClient, catalogue: Catalogue, explorer: Explorer, clock: Clock
) -> None:
    await set_zone(client, explorer, "America/New_York")
    # Saturday 7 March 2026, 23:40 EST; clocks go forward on Sunday the 8th at 02:00.
    await learn(
        client, explorer, catalogue.video, clock, datetime(2026, 3, 8, 4, 40, tzinfo=UTC), 6
    )
    # Monday the 9th, 00:30 EDT (04:30 UTC): on a fixed UTC-5 this would still be Sunday.
    await learn(
        client, explorer, catalogue.video, clock, datetime(2026, 3, 9, 4, 30, tzinfo=UTC), 6
    )
    assert await days_with_minutes(client, explorer, "2026-03-07", "2026-03-09") == {
        "2026-03-07": 6.0,
        "2026-03-09": 6.0,
    }
    # Sunday the 8th was missed: the first of its week, forgiven.
    got = await stats(client, explorer)
    assert (got["current_streak"], got["longest_streak"]) == (2, 2)


async def test_the_same_moments_are_different_days_in_different_time_zones(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    clock: Clock,
) -> None:
    abroad = await make_explorer(runtime, client, "auckland@example.com", "Kofi")
    await set_zone(client, explorer, "America/Los_Angeles")
    await set_zone(client, abroad, "Pacific/Auckland")
    moments = [datetime(2026, 6, 1, 10, 0, tzinfo=UTC), datetime(2026, 6, 2, 14, 0, tzinfo=UTC)]
    for who in (explorer, abroad):
        for when in moments:
            await learn(client, who, catalogue.video, clock, when, 5)
    assert await days_with_minutes(client, explorer, "2026-06-01", "2026-06-03") == {
        "2026-06-01": 5.0,
        "2026-06-02": 5.0,
    }
    assert await days_with_minutes(client, abroad, "2026-06-01", "2026-06-03") == {
        "2026-06-01": 5.0,
        "2026-06-03": 5.0,
    }
    # Later, with nothing in between.
    clock.set(datetime(2026, 6, 4, 19, 0, tzinfo=UTC))  # LA: the 4th, Auckland: the 5th
    assert (await stats(client, explorer))["current_streak"] == 2  # the 3rd forgiven
    # Auckland missed the 2nd and the 4th, both of the week from Sunday 31 May: broken.
    assert (await stats(client, abroad))["current_streak"] == 1


async def test_a_day_needs_streak_minutes_or_a_completion(
    client: httpx.AsyncClient, catalogue: Catalogue, explorer: Explorer, clock: Clock
) -> None:
    # Tuesday 2 June: four minutes (STREAK_MINUTES is 5): does not count.
    await learn(client, explorer, catalogue.video, clock, datetime(2026, 6, 2, 9, 0, tzinfo=UTC), 4)
    got = await stats(client, explorer)
    assert (got["current_streak"], got["longest_streak"]) == (0, 0)
    # Wednesday: finishing a DIY counts, with no time at all.
    clock.set(datetime(2026, 6, 3, 9, 0, tzinfo=UTC))
    done = await client.put(
        explorer.url(f"/progress/diy/{catalogue.diy}"),
        json={"steps_done": [1, 2, 3], "sent_at": at(clock)},
        headers=explorer.kid,
    )
    assert done.json()["status"] == "completed"
    assert done.json()["seconds_spent"] == 0
    got = await stats(client, explorer)
    assert (got["current_streak"], got["items_completed"]) == (1, 1)
    tab = await client.get(
        f"/api/v1/tabs/my-explorer?profile_id={explorer.profile_id}", headers=explorer.kid
    )
    assert tab.json()["streak"] == {"current": 1, "longest": 1, "learned_today": True}


async def test_activity_lists_minutes_and_items_per_day_for_parents_only(
    client: httpx.AsyncClient, catalogue: Catalogue, explorer: Explorer, clock: Clock
) -> None:
    await learn(client, explorer, catalogue.video, clock, datetime(2026, 6, 2, 9, 0, tzinfo=UTC), 3)
    clock.set(datetime(2026, 6, 3, 9, 0, tzinfo=UTC))
    await client.put(
        explorer.url(f"/progress/ebook/{catalogue.ebook}"),
        json={"page": 4, "pages_read": [1, 2, 3, 4], "sent_at": at(clock)},
        headers=explorer.kid,
    )
    response = await client.get(
        explorer.url("/activity?from=2026-06-02&to=2026-06-03"), headers=explorer.parent
    )
    assert response.status_code == 200
    body = response.json()
    assert body["timezone"] == "Africa/Accra"
    tuesday, wednesday = body["days"]
    assert tuesday["date"] == "2026-06-02"
    assert tuesday["minutes"] == {"video": 3.0, "ebook": 0.0, "diy": 0.0}
    assert [i["title"] for i in tuesday["started"]] == ["Ananse and the pot"]
    assert tuesday["completed"] == []
    assert [i["title"] for i in wednesday["started"]] == ["Kente colours"]
    assert [i["title"] for i in wednesday["completed"]] == ["Kente colours"]
    # Defaults: the last seven days up to today.
    default = await client.get(explorer.url("/activity"), headers=explorer.parent)
    assert [day["date"] for day in default.json()["days"]][-1] == "2026-06-03"
    assert len(default.json()["days"]) == 7
    # Explorers are not parents.
    kid = await client.get(explorer.url("/activity"), headers=explorer.kid)
    assert kid.status_code == 403
    assert kid.json()["code"] == "parents_only"
    for query in (
        "from=2026-06-03&to=2026-06-01",
        "from=2025-01-01&to=2026-06-01",
        "from=yesterday",
    ):
        bad = await client.get(explorer.url(f"/activity?{query}"), headers=explorer.parent)
        assert bad.status_code == 422, query
        assert bad.headers["content-type"] == "application/problem+json"


def test_week_start_is_sunday() -> None:
    from app.progress.service import week_start

    assert week_start(d(3)) == d(31, 5)
    assert week_start(d(7)) == d(7)
    assert week_start(d(13)) == d(7)
    assert d(7) + timedelta(days=6) == d(13)
