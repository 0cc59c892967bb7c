"""One small world of every kind of caller and real ids of every kind, built through the
service layer and the API. The route matrix uses it in-process; the contract run builds it
on a live server to hand schemathesis its tokens."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from PIL import Image

from app.accounts.models import Role
from app.avatars.seed import seed_avatar_parts
from app.catalog.seed import seed_catalogue
from app.quizzes.seed import seed_quizzes
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

    extra_headers: dict[str, dict[str, str]] = field(default_factory=dict)
    """Callers some classes are also held against (other_teacher: a teacher of another
    classroom)."""

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
        await seed_catalogue(session, runtime)
        await seed_quizzes(session, runtime)
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
    quiz = (await client.get("/api/v1/quizzes?limit=1")).json()["items"][0]
    attempt = await client.post(
        f"/api/v1/profiles/{mine['id']}/quizzes/{quiz['id']}/attempts",
        headers=world.headers["explorer"],
    )
    assert attempt.status_code == 201, attempt.text
    world.ids.update(
        quiz_id=str(quiz["id"]),
        question_id=str(quiz["questions"][0]["id"]),
        attempt_id=str(attempt.json()["id"]),
    )
    await _classroom_world(runtime, client, world, tag)
    await _notification_world(client, world)
    badge = await client.post(
        "/api/v1/admin/badges",
        json={
            "slug": f"matrix-{tag}",
            "title": "Matrix badge",
            "criterion": {"kind": "items_completed", "count": 3},
        },
        headers=world.headers["editor"],
    )
    assert badge.status_code == 201, badge.text
    world.ids["badge_id"] = str(badge.json()["id"])
    return world


async def _notification_world(client: httpx.AsyncClient, world: World) -> None:
    """An announcement scheduled far ahead (announcement_id), the parent's device (device_id)
    and an id no notification has (notification_id: the 404 is then the route's own)."""
    editor, parent = world.headers["editor"], world.headers["parent"]
    announced = await client.post(
        "/api/v1/admin/announcements",
        json={
            "title": "New stories",
            "body": "Anansi is back.",
            "audience": "everyone",
            "send_at": "2999-01-01T00:00:00Z",
        },
        headers=editor,
    )
    assert announced.status_code == 201, announced.text
    consent = await client.post(
        "/api/v1/accounts/me/push-consent", json={"granted": True}, headers=parent
    )
    assert consent.status_code == 200, consent.text
    device = await client.post(
        "/api/v1/devices",
        json={"token": f"fcm-{world.ids['profile_id']}", "platform": "android"},
        headers=parent,
    )
    assert device.status_code in (200, 201), device.text
    world.ids.update(
        announcement_id=str(announced.json()["id"]),
        device_id=str(device.json()["id"]),
        notification_id=str(uuid.uuid4()),
    )


async def _classroom_world(
    runtime: Runtime, client: httpx.AsyncClient, world: World, tag: str
) -> None:
    """A classroom of the teacher with the explorer enrolled and one assignment, and another
    teacher whose classroom invites the first one (classroom_id, assignment_id, invite_id)."""
    teacher = world.headers["teacher"]
    other_email = f"other-teacher-{tag}@example.com"
    await make_account(runtime, other_email, Role.teacher)
    world.extra_headers["other_teacher"] = bearer(await login(client, other_email))
    for headers in (teacher, world.extra_headers["other_teacher"]):
        named = await client.patch(
            "/api/v1/accounts/me", json={"display_name": "T"}, headers=headers
        )
        assert named.status_code == 200, named.text
    room = await client.post(
        "/api/v1/classrooms", json={"name": "P3", "grade": "P3"}, headers=teacher
    )
    assert room.status_code == 201, room.text
    joined = await client.post(
        f"/api/v1/profiles/{world.ids['profile_id']}/classrooms",
        json={"code": room.json()["join_code"]},
        headers=world.headers["parent"],
    )
    assert joined.status_code == 201, joined.text
    assignment = await client.post(
        f"/api/v1/classrooms/{room.json()['id']}/assignments",
        json={
            "title": "Week 1",
            "due_date": "2999-01-01",
            "items": [{"kind": "video", "item_id": world.ids["video_id"]}],
        },
        headers=teacher,
    )
    assert assignment.status_code == 201, assignment.text
    theirs = await client.post(
        "/api/v1/classrooms",
        json={"name": "P4", "grade": "P4"},
        headers=world.extra_headers["other_teacher"],
    )
    invite = await client.post(
        f"/api/v1/classrooms/{theirs.json()['id']}/invites",
        json={"email": f"teacher-{tag}@example.com"},
        headers=world.extra_headers["other_teacher"],
    )
    assert invite.status_code == 201, invite.text
    world.ids.update(
        classroom_id=str(room.json()["id"]),
        assignment_id=str(assignment.json()["id"]),
        invite_id=str(invite.json()["id"]),
    )
