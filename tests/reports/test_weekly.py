"""The weekly report: what it says, who may read it, and its Sunday email (once a week, in
the family's time zone, plain text, the child named only when the parent allows it)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import sqlalchemy as sa

from app.reports.weekly import send_weekly_reports
from app.runtime import Runtime
from tests.classrooms.test_classrooms import _attempt, _quiz_on
from tests.limits.helpers import learned, set_zone, utc
from tests.progress.fixtures import VIDEO_MS, Catalogue, Clock, Explorer, watch
from tests.support.smtp import SmtpServer

WEEK = "2026-W49"  # Monday 30 November to Sunday 6 December 2026


async def _report(client: httpx.AsyncClient, who: Explorer, week: str = WEEK) -> httpx.Response:
    return await client.get(who.url(f"/reports/weekly?week={week}"), headers=who.parent)


async def test_the_report_of_a_week_and_who_may_read_it(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    stranger: Explorer,
    clock: Clock,
) -> None:
    await set_zone(client, explorer, "Africa/Accra")
    clock.set(utc(2026, 12, 2, 16, 0))
    await watch(client, explorer, catalogue.video, clock, VIDEO_MS)  # finished on Wednesday
    await watch(client, explorer, catalogue.video2, clock, 30_000)  # started, not finished
    await learned(runtime, explorer, utc(2026, 12, 3, 9, 0), 20)
    await learned(runtime, explorer, utc(2026, 12, 7, 9, 0), 15)  # the next week
    quiz_id, questions = await _quiz_on(runtime, catalogue.diy)
    await _attempt(runtime, quiz_id, explorer.profile_id, questions, 30, utc(2026, 12, 4, 10))
    await _attempt(runtime, quiz_id, explorer.profile_id, questions, 40, utc(2026, 12, 4, 11))
    clock.set(utc(2026, 12, 8, 12, 0))

    response = await _report(client, explorer)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["from"] == "2026-11-30"
    assert report["to"] == "2026-12-06"
    assert report["minutes"]["video"] >= 20
    assert report["minutes"]["total"] < 30
    assert [i["title"] for i in report["completed"]] == ["Ananse and the pot"]
    (quiz,) = report["quizzes"]
    assert quiz["title"] == "Drum quiz"
    assert quiz["best_stars"] == 1
    assert quiz["attempts"] == 2
    assert [h["title"] for h in report["help_needed"]] == ["Drum quiz"]
    assert report["streak"]["longest"] >= 1
    assert report["open_assignments"] == []
    assert report["suggested_next"]["why"] in ("help", "continue")

    assert (
        await client.get(explorer.url(f"/reports/weekly?week={WEEK}"), headers=explorer.kid)
    ).status_code == 403
    assert (
        await client.get(explorer.url(f"/reports/weekly?week={WEEK}"), headers=stranger.parent)
    ).status_code == 404
    for bad in ("2026-49", "2026-W54", "W49"):
        assert (await _report(client, explorer, bad)).status_code == 422, bad
    assert (await client.get(explorer.url("/reports/weekly"), headers=explorer.parent)).json()[
        "week"
    ] == "2026-W50"


async def _prefs(client: httpx.AsyncClient, who: Explorer, **body: object) -> None:
    response = await client.put(who.url("/notification-preferences"), json=body, headers=who.parent)
    assert response.status_code == 200, response.text


async def _sent(runtime: Runtime, who: Explorer) -> list[str]:
    async with runtime.db.session() as session:
        rows = await session.execute(
            sa.text("SELECT week FROM weekly_report WHERE profile_id = :p").bindparams(
                p=uuid.UUID(who.profile_id)
            )
        )
        return [r.week for r in rows]


async def test_sent_on_sunday_evening_once_by_email_without_the_nickname(
    client: httpx.AsyncClient,
    runtime: Runtime,
    explorer: Explorer,
    smtp_server: SmtpServer,
) -> None:
    await set_zone(client, explorer, "America/New_York")
    # Off by default: nothing is sent.
    prefs = (
        await client.get(explorer.url("/notification-preferences"), headers=explorer.parent)
    ).json()
    assert prefs["categories"]["weekly_report"] == {"in_app": False, "push": False, "email": False}
    sunday_six_pm = utc(2026, 12, 6, 23, 0)  # 18:00 in New York (EST)
    await send_weekly_reports(runtime, sunday_six_pm)
    assert await _sent(runtime, explorer) == []

    await _prefs(
        client,
        explorer,
        categories={"weekly_report": {"in_app": True, "push": False, "email": True}},
    )
    await send_weekly_reports(runtime, sunday_six_pm - timedelta(minutes=1))
    assert await _sent(runtime, explorer) == []
    assert await send_weekly_reports(runtime, sunday_six_pm) == "1 weekly reports"
    assert await send_weekly_reports(runtime, sunday_six_pm + timedelta(hours=1)) == (
        "0 weekly reports"
    )
    assert await _sent(runtime, explorer) == [WEEK]

    await runtime.worker.run_due()
    (message,) = smtp_server.wait_for("ama-family@example.com")
    text = message.get_content()
    assert "Ama" not in text
    assert "Ama" not in message["Subject"]
    assert "Your explorer" in message["Subject"]
    assert "<img" not in text
    assert message.get_content_type() == "text/plain"
    inbox = await client.get("/api/v1/notifications", headers=explorer.parent)
    assert inbox.json()["items"][0]["category"] == "weekly_report"

    # The next week, named, as the parent now allows.
    await _prefs(
        client,
        explorer,
        categories={"weekly_report": {"in_app": False, "push": False, "email": True}},
        nickname_in_email=True,
    )
    await send_weekly_reports(runtime, sunday_six_pm + timedelta(days=7))
    await runtime.worker.run_due()
    assert "Ama" in smtp_server.wait_for("ama-family@example.com")[-1]["Subject"]

    export = await client.get("/api/v1/accounts/me/export", headers=explorer.parent)
    assert export.status_code == 200, export.text
    weeks = [r["week"] for r in export.json()["weekly_reports"]]
    assert weeks == [WEEK, "2026-W50"]
    deleted = await client.delete(
        f"/api/v1/profiles/{explorer.profile_id}", headers=explorer.parent
    )
    assert deleted.status_code == 204, deleted.text
    assert await _sent(runtime, explorer) == []
