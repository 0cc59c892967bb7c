"""The demo family: a week of activity made through the services, visible on every screen
that shows activity, and its sign-in shown once."""

from __future__ import annotations

import httpx

from app.accounts.models import Role
from app.avatars.seed import seed_avatar_parts
from app.catalog.seed import seed_catalogue
from app.demo.family import PARENT_EMAIL, TEACHER_EMAIL, seed_demo_family
from app.quizzes.seed import seed_quizzes
from app.runtime import Runtime
from app.stats import service as stats_service
from tests.support.auth import bearer, login, signed_in


async def test_a_week_of_activity_shows_everywhere(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    async with runtime.db.session() as session:
        await seed_avatar_parts(session)
        await seed_catalogue(session, runtime)
        await seed_quizzes(session, runtime)
        shown = await seed_demo_family(session, runtime)
        assert await seed_demo_family(session, runtime) is None  # once
    assert shown
    [line] = shown
    password = line.rsplit(": ", 1)[1]
    assert PARENT_EMAIL in line
    assert TEACHER_EMAIL in line

    parent = bearer(await login(client, PARENT_EMAIL, password))
    explorers = (await client.get("/api/v1/profiles", headers=parent)).json()
    names = {p["nickname"]: p["id"] for p in explorers["items"]}
    assert set(names) == {"Ama", "Kofi", "Esi"}
    for nickname, profile_id in names.items():
        library = (
            await client.get(f"/api/v1/profiles/{profile_id}/library", headers=parent)
        ).json()
        assert any(library[section] for section in library if isinstance(library[section], list)), (
            nickname
        )
        activity = await client.get(f"/api/v1/profiles/{profile_id}/activity", headers=parent)
        assert activity.status_code == 200, activity.text
        days = activity.json()["days"]
        active = [day for day in days if sum(day["minutes"].values()) > 0]
        assert len(active) >= 3, (nickname, days)
        assert any(day["completed"] for day in days), nickname
    ama = names["Ama"]
    taken = (await client.get(f"/api/v1/profiles/{ama}/activity", headers=parent)).json()
    assert taken["quizzes_taken"] >= 1

    teacher = bearer(await login(client, TEACHER_EMAIL, password))
    rooms = (await client.get("/api/v1/classrooms", headers=teacher)).json()["items"]
    [room] = rooms
    report = await client.get(f"/api/v1/classrooms/{room['id']}/report", headers=teacher)
    assert report.status_code == 200, report.text
    assert "Ama" in report.text
    assignments = (
        await client.get(f"/api/v1/classrooms/{room['id']}/assignments", headers=teacher)
    ).json()
    assert [a["title"] for a in assignments["items"]] == ["Kente week"]

    await stats_service.catch_up(runtime)
    assert (await client.get("/api/v1/admin/stats/overview", headers=teacher)).status_code == 403
    admin = await signed_in(runtime, client, "admin@example.com", Role.admin)
    overview = (await client.get("/api/v1/admin/stats/overview", headers=admin)).json()
    assert sum(point["new_accounts"] for point in overview["points"]) >= 2
