"""Editors never lose each other's work: an edit names the version it changes (If-Match),
a stale one is refused and changes nothing, and racing edits neither lose a page or a step
nor fail."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import sqlalchemy as sa

from app.accounts.models import Role
from app.catalog.models import DiyStep, EbookPage
from app.runtime import Runtime
from tests.catalog.conftest import add
from tests.support.auth import signed_in


async def _pages(runtime: Runtime, model: type, key: str, item_id: str) -> list[str]:
    table = model.__table__  # type: ignore[attr-defined]
    async with runtime.db.session() as session:
        rows = await session.execute(
            sa.select(table.c.text).where(table.c[key] == item_id).order_by(table.c.number)
        )
        return list(rows.scalars())


async def test_an_edit_needs_the_current_etag(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict, themes: dict
) -> None:
    body = {"theme_id": themes["folktales"], "title": "Anansi", "pages": [{"text": "One"}]}
    ebook = await add(client, editor, "ebook", body, publish=False)
    path = f"/api/v1/admin/ebooks/{ebook}"
    read = await client.get(path, headers=editor)
    assert read.status_code == 200
    etag = read.headers["etag"]
    assert read.json()["fields"]["pages"][0]["text"] == "One"
    two_pages = {"pages": [{"text": "One"}, {"text": "Two"}]}

    missing = await client.patch(path, json=two_pages, headers=editor)
    assert missing.status_code == 428
    assert missing.json()["code"] == "precondition_required"

    changed = await client.patch(path, json=two_pages, headers={**editor, "If-Match": etag})
    assert changed.status_code == 200, changed.text
    assert changed.json()["fields"]["pages"][1]["text"] == "Two"
    new_etag = changed.headers["etag"]
    assert new_etag != etag
    assert (await client.get(path, headers=editor)).headers["etag"] == new_etag

    stale = await client.patch(
        path, json={"pages": [{"text": "Lost?"}]}, headers={**editor, "If-Match": etag}
    )
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition_failed"
    assert stale.headers["etag"] == new_etag
    weak = await client.patch(
        path, json={"title": "Weak"}, headers={**editor, "If-Match": f"W/{new_etag}"}
    )
    assert weak.status_code == 412
    assert await _pages(runtime, EbookPage, "ebook_id", ebook) == ["One", "Two"]
    assert (await client.get(path, headers=editor)).json()["title"] == "Anansi"

    # `*` says so deliberately: edit whatever version is current.
    anyway = await client.patch(path, json={"title": "Anansi"}, headers={**editor, "If-Match": "*"})
    assert anyway.status_code == 200


async def test_swagger_documents_if_match_and_the_etag(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    patch = spec["paths"]["/api/v1/admin/diys/{item_id}"]["patch"]
    headers = [p for p in patch["parameters"] if p["in"] == "header"]
    assert [h["name"].lower() for h in headers] == ["if-match"]
    assert {"412", "428"} <= set(patch["responses"])
    get = spec["paths"]["/api/v1/admin/diys/{item_id}"]["get"]
    assert "ETag" in get["responses"]["200"]["headers"]


async def _editor(live_runtime: Runtime, live_client: httpx.AsyncClient) -> tuple[dict, str]:
    editor = await signed_in(live_runtime, live_client, "editor@example.com", Role.editor)
    theme = await live_client.post(
        "/api/v1/admin/themes",
        json={"kind": "diy", "slug": "crafts", "title": "Crafts"},
        headers=editor,
    )
    assert theme.status_code == 201, theme.text
    return editor, theme.json()["id"]


async def test_racing_edits_of_one_version_let_exactly_one_through(
    live_runtime: Runtime, live_client: httpx.AsyncClient
) -> None:
    editor, theme = await _editor(live_runtime, live_client)
    body = {"theme_id": theme, "title": "Kite", "steps": [{"text": "Cut"}]}
    diy = await add(live_client, editor, "diy", body, publish=False)
    path = f"/api/v1/admin/diys/{diy}"
    etag = (await live_client.get(path, headers=editor)).headers["etag"]
    bodies = [{"steps": [{"text": "Cut"}, {"text": f"Editor {n}"}]} for n in range(6)]
    responses = await asyncio.gather(
        *[live_client.patch(path, json=b, headers={**editor, "If-Match": etag}) for b in bodies]
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [412] * 5, [r.text for r in responses]
    winner = next(r for r in responses if r.status_code == 200).json()
    assert await _pages(live_runtime, DiyStep, "diy_id", diy) == [
        s["text"] for s in winner["fields"]["steps"]
    ]


async def test_editors_who_read_again_on_412_lose_nothing(
    live_runtime: Runtime, live_client: httpx.AsyncClient
) -> None:
    """Four editors each add a step at the same moment, reading again when refused: every
    step is there at the end, and nobody saw a 500."""
    editor, theme = await _editor(live_runtime, live_client)
    diy = await add(live_client, editor, "diy", {"theme_id": theme, "title": "Drum"}, publish=False)
    path = f"/api/v1/admin/diys/{diy}"
    seen: list[int] = []

    async def add_step(name: str) -> None:
        for _ in range(20):
            read = await live_client.get(path, headers=editor)
            steps: list[dict[str, Any]] = read.json()["fields"]["steps"]
            response = await live_client.patch(
                path,
                json={"steps": [*steps, {"text": name}]},
                headers={**editor, "If-Match": read.headers["etag"]},
            )
            seen.append(response.status_code)
            if response.status_code == 200:
                return
            assert response.status_code == 412, response.text
        raise AssertionError(f"{name} never got through")

    await asyncio.gather(*[add_step(f"Step by {n}") for n in range(4)])
    assert set(seen) <= {200, 412}
    assert sorted(await _pages(live_runtime, DiyStep, "diy_id", diy)) == [
        f"Step by {n}" for n in range(4)
    ]
