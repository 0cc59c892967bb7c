"""Catalogue content made the way editors make it: through the admin API."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import httpx

from tests.support.factories import media_asset

# A video's length when a test does not say: its file gives it (app/catalog/admin_service.py).
DEFAULT_VIDEO_MS = 60_000


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
    """A video, eBook or DIY (`kind`) made from `body`, published unless told otherwise. A
    video without a file gets a processed one of `duration_ms` (or DEFAULT_VIDEO_MS)."""
    if kind == "video" and "media_asset_id" not in body:
        body = {
            **body,
            "media_asset_id": await playable_file(
                client, body.get("duration_ms") or DEFAULT_VIDEO_MS
            ),
        }
    response = await client.post(f"/api/v1/admin/{kind}s", json=body, headers=editor)
    assert response.status_code == 201, response.text
    item_id: str = response.json()["id"]
    if publish:
        published = await client.post(f"/api/v1/admin/{kind}s/{item_id}/publish", headers=editor)
        assert published.status_code == 200, published.text
    return item_id


async def playable_file(client: httpx.AsyncClient, duration_ms: int) -> str:
    """A processed video asset of this length, as processing leaves one (no file behind it:
    nothing in these tests plays it), made in the database of the app `client` calls."""
    transport: Any = client._transport
    runtime = transport.app.state.runtime
    asset = media_asset("video", uuid.uuid4().hex, duration_ms=duration_ms, width=640, height=360)
    async with runtime.db.session() as session:
        session.add(asset)
        await session.flush()
    return str(asset.id)
