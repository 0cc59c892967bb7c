"""The demo's badges: about a dozen that fit its catalogue, with stable ids, made through
the editors' path; its family earns some during its week, and has parts left to earn."""

from __future__ import annotations

import httpx

from app.avatars.seed import seed_avatar_parts
from app.catalog.seed import seed_catalogue
from app.demo.family import seed_demo_family
from app.quizzes.seed import seed_quizzes
from app.rewards.seed import BADGES, badge_id, seed_badges
from app.runtime import Runtime
from tests.support.auth import bearer, login


async def test_the_demo_seeds_badges_its_family_earns(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    async with runtime.db.session() as session:
        await seed_avatar_parts(session)
        await seed_catalogue(session, runtime)
        await seed_quizzes(session, runtime)
        await seed_badges(session, runtime)
        await seed_badges(session, runtime)  # idempotent
        [line] = await seed_demo_family(session, runtime) or []
    password = line.rsplit(": ", 1)[1]
    parent = bearer(await login(client, "family@wonderspaced.app", password))
    explorers = (await client.get("/api/v1/profiles", headers=parent)).json()["items"]
    ids = {p["nickname"]: p["id"] for p in explorers}

    async def earned(name: str) -> set[str]:
        body = (await client.get(f"/api/v1/profiles/{ids[name]}/badges", headers=parent)).json()
        return {e["badge"]["title"] for e in body["earned"]}

    assert len(BADGES) == 12
    ama = await earned("Ama")
    assert {"First adventure", "Kente weaver", "Little maker"} <= ama
    assert "Kente weaver" not in await earned("Kofi")
    # "Anansi's friend" is within reach for Kofi and Ama, who each began an episode.
    body = (await client.get(f"/api/v1/profiles/{ids['Esi']}/badges", headers=parent)).json()
    assert all(n["progress"] < n["goal"] for n in body["next"])

    def kente_locked(parts: dict[str, list[dict[str, object]]]) -> bool:
        return next(p["locked"] for p in parts["outfit"] if p["name"] == "Kente top") is True

    for name, locked in (("Ama", False), ("Kofi", True)):
        parts = await client.get(
            "/api/v1/avatars/parts", params={"profile_id": ids[name]}, headers=parent
        )
        assert kente_locked(parts.json()["slots"]) is locked, name
    library = (await client.get(f"/api/v1/profiles/{ids['Ama']}/library", headers=parent)).json()
    assert library["latest_badge"]["title"] in ama
    assert library["latest_badge"]["id"] in {str(badge_id(b.slug)) for b in BADGES}
