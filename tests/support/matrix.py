"""One small world of every kind of caller and real ids of every kind, built through the
service layer and the API. The route matrix uses it in-process; the contract run builds it
on a live server to hand schemathesis its tokens."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from PIL import Image

from app.accounts.models import Role
from app.avatars.seed import seed_avatar_parts
from app.catalog.seed import seed_catalogue
from app.runtime import Runtime
from tests.support.auth import bearer, family, kid_token, login, make_account, make_profile

# Every kind of caller the matrix holds each route against.
CALLERS = ("anonymous", "explorer", "parent", "other_parent", "teacher", "editor", "admin")


@dataclass
class World:
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    """Authorization headers by caller (anonymous: none)."""
    ids: dict[str, str] = field(default_factory=dict)
    """Real ids by kind: profile_id (the explorer's), sibling_profile_id (same family),
    other_profile_id (another family's), account_id, part_id, upload_id, asset_id,
    theme_id, theme_slug, series_id, video_id, ebook_id, diy_id."""

    def token(self, caller: str) -> str:
        return self.headers[caller]["Authorization"].removeprefix("Bearer ")


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (250, 180, 20)).save(buffer, format="PNG")
    return buffer.getvalue()


async def _first_id(client: httpx.AsyncClient, path: str) -> str:
    response = await client.get(path)
    assert response.status_code == 200, (path, response.text)
    body = response.json()
    items = body["items"] if isinstance(body, dict) else body
    assert items, f"{path} lists nothing: the demo catalogue is expected"
    return str(items[0]["id"])


async def _asset_on_a_theme(
    runtime: Runtime, client: httpx.AsyncClient, editor: dict[str, str], theme_id: str
) -> tuple[str, str]:
    """A processed image, shown as a published theme's cover; returns (upload, asset) ids."""
    data = _png()
    ticket = await client.post(
        "/api/v1/admin/uploads",
        json={
            "filename": "cover.png",
            "content_type": "image/png",
            "size_bytes": len(data),
            "purpose": "image",
        },
        headers=editor,
    )
    assert ticket.status_code == 201, ticket.text
    body = ticket.json()
    # The signed URL names the configured base URL; the path and query are what count.
    url = urlsplit(body["url"])
    put = await client.request(
        body["method"], f"{url.path}?{url.query}", content=data, headers=body["headers"]
    )
    assert put.status_code == 200, put.text
    done = await client.post(f"/api/v1/admin/uploads/{body['upload_id']}/complete", headers=editor)
    assert done.status_code == 200, done.text
    asset_id = str(done.json()["id"])
    await runtime.worker.run_due()
    cover = await client.patch(
        f"/api/v1/admin/themes/{theme_id}", json={"cover_asset_id": asset_id}, headers=editor
    )
    assert cover.status_code == 200, cover.text
    return str(body["upload_id"]), asset_id


async def build_world(runtime: Runtime, client: httpx.AsyncClient, tag: str = "m") -> World:
    """`tag` keeps the addresses apart when several worlds share one database."""
    async with runtime.db.session() as session:
        await seed_avatar_parts(session)
        await seed_catalogue(session)
    world = World()
    parent = await family(runtime, client, f"parent-{tag}@example.com")
    mine = await make_profile(client, parent, "Ama")
    sibling = await make_profile(client, parent, "Kofi")
    other = await family(runtime, client, f"other-{tag}@example.com")
    theirs = await make_profile(client, other, "Esi")
    world.headers = {
        "anonymous": {},
        "explorer": await kid_token(client, parent, mine["id"]),
        "parent": parent,
        "other_parent": other,
    }
    for role in (Role.teacher, Role.editor, Role.admin):
        email = f"{role.value}-{tag}@example.com"
        account = await make_account(runtime, email, role)
        world.headers[role.value] = bearer(await login(client, email))
        if role is Role.teacher:
            world.ids["account_id"] = str(account.id)

    themes = (await client.get("/api/v1/themes")).json()
    theme = (themes["items"] if isinstance(themes, dict) else themes)[0]
    upload_id, asset_id = await _asset_on_a_theme(
        runtime, client, world.headers["editor"], str(theme["id"])
    )
    parts = (await client.get("/api/v1/avatars/parts")).json()
    part = next(p for slot in parts["slots"].values() for p in slot)
    world.ids.update(
        profile_id=str(mine["id"]),
        sibling_profile_id=str(sibling["id"]),
        other_profile_id=str(theirs["id"]),
        part_id=str(part["id"]),
        upload_id=upload_id,
        asset_id=asset_id,
        theme_id=str(theme["id"]),
        theme_slug=str(theme["slug"]),
        series_id=await _first_id(client, "/api/v1/series"),
        video_id=await _first_id(client, "/api/v1/videos"),
        ebook_id=await _first_id(client, "/api/v1/ebooks"),
        diy_id=await _first_id(client, "/api/v1/diys"),
    )
    return world
