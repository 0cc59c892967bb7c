"""Catalogue content made the way editors make it: through the admin API."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx


async def make_themes(
    client: httpx.AsyncClient, editor: dict[str, str], themes: Iterable[tuple[str, str]]
) -> dict[str, str]:
    """A theme per (kind, slug), titled after its slug; slug -> id."""
    made = {}
    for kind, slug in themes:
        response = await client.post(
            "/api/v1/admin/themes",
            json={"kind": kind, "slug": slug, "title": slug.title()},
            headers=editor,
        )
        assert response.status_code == 201, response.text
        made[slug] = response.json()["id"]
    return made


async def add(
    client: httpx.AsyncClient,
    editor: dict[str, str],
    kind: str,
    body: dict[str, Any],
    publish: bool = True,
) -> str:
    """A video, eBook or DIY (`kind`) made from `body`, published unless told otherwise."""
    response = await client.post(f"/api/v1/admin/{kind}s", json=body, headers=editor)
    assert response.status_code == 201, response.text
    item_id: str = response.json()["id"]
    if publish:
        published = await client.post(f"/api/v1/admin/{kind}s/{item_id}/publish", headers=editor)
        assert published.status_code == 200, published.text
    return item_id
