"""Who reaches which route (explorer, parent, another family, anonymous), and progress in
the family's export and gone with a profile or the whole family."""

from __future__ import annotations

import uuid

import httpx
import sqlalchemy as sa

from app.runtime import Runtime
from tests.progress.fixtures import Catalogue, Clock, Explorer, at
from tests.support.auth import PASSWORD, kid_token, make_profile


def routes(c: Catalogue, clock: Clock) -> list[tuple[str, str, dict[str, object] | None]]:
    return [
        (
            "PUT",
            f"/progress/video/{c.video}",
            {"position_ms": 1000, "watched": [[0, 1000]], "sent_at": at(clock)},
        ),
        ("PUT", f"/progress/ebook/{c.ebook}", {"page": 1, "pages_read": [1], "sent_at": at(clock)}),
        ("PUT", f"/progress/diy/{c.diy}", {"steps_done": [1], "sent_at": at(clock)}),
        ("GET", f"/progress/video/{c.video}", None),
        ("GET", "/progress?kind=video", None),
        ("PUT", f"/saved/video/{c.video}", None),
        ("GET", "/saved", None),
        ("DELETE", f"/saved/video/{c.video}", None),
        ("GET", "/library", None),
        ("GET", "/library/continue", None),
        ("GET", "/activity", None),
    ]


async def call(
    client: httpx.AsyncClient,
    who: Explorer,
    method: str,
    path: str,
    body: object,
    headers: dict[str, str] | None,
) -> httpx.Response:
    return await client.request(method, who.url(path), json=body, headers=headers or {})


async def test_each_route_is_for_the_explorer_and_their_parent_only(
    client: httpx.AsyncClient,
    catalogue: Catalogue,
    explorer: Explorer,
    stranger: Explorer,
    clock: Clock,
) -> None:
    sibling = await make_profile(client, explorer.parent, "Esi")
    sibling_kid = await kid_token(client, explorer.parent, sibling["id"])
    for method, path, body in routes(catalogue, clock):
        parents_only = path == "/activity"
        anonymous = await call(client, explorer, method, path, body, None)
        assert anonymous.status_code == 401, (method, path)
        for other in (stranger.parent, stranger.kid, sibling_kid):
            response = await call(client, explorer, method, path, body, other)
            assert response.status_code == 404, (method, path, response.text)
            assert response.headers["content-type"] == "application/problem+json"
        kid = await call(client, explorer, method, path, body, explorer.kid)
        assert kid.status_code == (403 if parents_only else 200 if method != "DELETE" else 204), (
            method,
            path,
            kid.text,
        )
        parent = await call(client, explorer, method, path, body, explorer.parent)
        assert parent.status_code in (200, 204), (method, path, parent.text)


async def _rows(runtime: Runtime, profile_id: str) -> dict[str, int]:
    counts = {}
    async with runtime.db.session() as session:
        for table in ("progress", "learning_time", "saved_item"):
            counts[table] = int(
                await session.scalar(
                    sa.text(f"SELECT count(*) FROM {table} WHERE profile_id = :p").bindparams(
                        p=uuid.UUID(profile_id)
                    )
                )
                or 0
            )
    return counts


async def _use(client: httpx.AsyncClient, c: Catalogue, who: Explorer, clock: Clock) -> None:
    for offset in (0, 30):
        clock.advance(30)
        response = await client.put(
            who.url(f"/progress/video/{c.video}"),
            json={
                "position_ms": 30_000,
                "watched": [[offset * 1000, offset * 1000 + 30_000]],
                "sent_at": at(clock),
            },
            headers=who.kid,
        )
        assert response.status_code == 200
    await client.put(who.url(f"/saved/ebook/{c.ebook}"), headers=who.kid)


async def test_progress_is_in_the_family_export(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    stranger: Explorer,
    clock: Clock,
) -> None:
    await _use(client, catalogue, explorer, clock)
    await _use(client, catalogue, stranger, clock)
    response = await client.get("/api/v1/accounts/me/export", headers=explorer.parent)
    assert response.status_code == 200
    section = response.json()["progress"]
    assert [(i["profile_id"], i["item_id"], i["watched_ms"]) for i in section["items"]] == [
        (explorer.profile_id, catalogue.video, 60_000)
    ]
    assert section["items"][0]["covered"] == "{[0,60000)}"
    assert [(s["profile_id"], s["item_id"]) for s in section["saved"]] == [
        (explorer.profile_id, catalogue.ebook)
    ]
    assert sum(t["seconds"] for t in section["learning_time"]) == 60
    assert {t["profile_id"] for t in section["learning_time"]} == {explorer.profile_id}
    assert (await client.get("/api/v1/accounts/me/export", headers=explorer.kid)).status_code == 403


async def test_progress_goes_with_the_profile_and_with_the_family(
    client: httpx.AsyncClient,
    runtime: Runtime,
    catalogue: Catalogue,
    explorer: Explorer,
    stranger: Explorer,
    clock: Clock,
) -> None:
    await _use(client, catalogue, explorer, clock)
    await _use(client, catalogue, stranger, clock)
    assert await _rows(runtime, explorer.profile_id) == {
        "progress": 1,
        "learning_time": 1,
        "saved_item": 1,
    }
    deleted = await client.delete(
        f"/api/v1/profiles/{explorer.profile_id}", headers=explorer.parent
    )
    assert deleted.status_code == 204
    assert await _rows(runtime, explorer.profile_id) == {
        "progress": 0,
        "learning_time": 0,
        "saved_item": 0,
    }
    # The other family's are untouched until they leave too.
    assert await _rows(runtime, stranger.profile_id) == {
        "progress": 1,
        "learning_time": 1,
        "saved_item": 1,
    }
    gone = await client.request(
        "DELETE", "/api/v1/accounts/me", json={"password": PASSWORD}, headers=stranger.parent
    )
    assert gone.status_code == 204, gone.text
    assert await _rows(runtime, stranger.profile_id) == {
        "progress": 0,
        "learning_time": 0,
        "saved_item": 0,
    }
