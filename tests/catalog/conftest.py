from __future__ import annotations

import httpx
import pytest

from app.accounts.models import Role
from app.runtime import Runtime
from tests.support.auth import signed_in


@pytest.fixture
async def editor(runtime: Runtime, client: httpx.AsyncClient) -> dict[str, str]:
    return await signed_in(runtime, client, "editor@example.com", Role.editor)


@pytest.fixture
async def themes(client: httpx.AsyncClient, editor: dict[str, str]) -> dict[str, str]:
    """A theme of each kind; slug -> id."""
    made = {}
    for kind, slug in (
        ("video", "stories"),
        ("ebook", "folktales"),
        ("diy", "crafts"),
        ("video", "science"),
    ):
        response = await client.post(
            "/api/v1/admin/themes",
            json={"kind": kind, "slug": slug, "title": slug.title()},
            headers=editor,
        )
        assert response.status_code == 201, response.text
        made[slug] = response.json()["id"]
    return made


async def add(
    client: httpx.AsyncClient, editor: dict[str, str], kind: str, body: dict, publish: bool = True
) -> str:
    response = await client.post(f"/api/v1/admin/{kind}s", json=body, headers=editor)
    assert response.status_code == 201, response.text
    item_id: str = response.json()["id"]
    if publish:
        published = await client.post(f"/api/v1/admin/{kind}s/{item_id}/publish", headers=editor)
        assert published.status_code == 200, published.text
    return item_id
