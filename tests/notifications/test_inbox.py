"""The inbox, read state, preferences, follows, devices and push consent over the API."""

from __future__ import annotations

import asyncio
import random

import httpx
import sqlalchemy as sa

from app.auth.deps import caller_from_token
from app.notifications import service as notifications_service
from app.notifications.schemas import DeviceIn, Platform
from app.runtime import Runtime
from tests.notifications.conftest import Family, make_family, send

API = "/api/v1"


async def test_same_event_twice_makes_one_row_and_explorer_sees_only_its_own(
    runtime: Runtime, client: httpx.AsyncClient, fam: Family, other: Family
) -> None:
    assert await send(runtime, fam, "welcome") is not None
    assert await send(runtime, fam, "welcome") is None  # deduplicated per recipient
    await send(runtime, fam, "for-parent", child=False)
    await send(runtime, other, "theirs")

    kid = (await client.get(f"{API}/notifications", headers=fam.kid)).json()
    assert [n["title"] for n in kid["items"]] == ["Hello welcome"]
    parent = (await client.get(f"{API}/notifications", headers=fam.parent)).json()
    assert {n["title"] for n in parent["items"]} == {"Hello welcome", "Hello for-parent"}
    one = await client.get(
        f"{API}/notifications", params={"profile_id": fam.profile_id}, headers=fam.parent
    )
    assert [n["title"] for n in one.json()["items"]] == ["Hello welcome"]
    # Another family's child is 404, for a parent and an explorer alike.
    for headers in (other.parent, other.kid):
        foreign = await client.get(
            f"{API}/notifications", params={"profile_id": fam.profile_id}, headers=headers
        )
        assert foreign.status_code == 404
    assert (await client.get(f"{API}/notifications")).status_code == 401


async def test_read_seen_archive_and_read_all(
    runtime: Runtime, client: httpx.AsyncClient, fam: Family, other: Family
) -> None:
    first = await send(runtime, fam, "a")
    await send(runtime, fam, "b")
    await send(runtime, fam, "c")
    count = await client.get(f"{API}/notifications/unread-count", headers=fam.kid)
    assert count.json() == {"unread": 3}

    # Another family cannot touch it: 404, and nothing changes.
    assert (
        await client.post(f"{API}/notifications/{first.id}/read", headers=other.parent)
    ).status_code == 404
    read = await client.post(f"{API}/notifications/{first.id}/read", headers=fam.kid)
    assert read.status_code == 200
    assert read.json()["read_at"]
    assert read.json()["seen_at"]
    assert (await client.get(f"{API}/notifications/unread-count", headers=fam.kid)).json() == {
        "unread": 2
    }
    unread = await client.get(f"{API}/notifications", params={"status": "unread"}, headers=fam.kid)
    assert len(unread.json()["items"]) == 2
    archived = await client.post(f"{API}/notifications/{first.id}/archive", headers=fam.parent)
    assert archived.json()["archived_at"]
    listed = await client.get(
        f"{API}/notifications", params={"status": "archived"}, headers=fam.kid
    )
    assert [n["id"] for n in listed.json()["items"]] == [str(first.id)]

    done = await client.post(f"{API}/notifications/read-all", headers=fam.kid)
    assert done.json() == {"updated": 2}
    assert (await client.get(f"{API}/notifications/unread-count", headers=fam.parent)).json() == {
        "unread": 0
    }
    bad = await client.get(f"{API}/notifications", params={"status": "gone"}, headers=fam.kid)
    assert bad.status_code == 422


async def test_pages_with_a_cursor(
    runtime: Runtime, client: httpx.AsyncClient, fam: Family
) -> None:
    for n in range(5):
        await send(runtime, fam, f"n{n}")
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(f"{API}/notifications", params=params, headers=fam.kid)).json()
        seen += [n["id"] for n in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 5
    broken = await client.get(f"{API}/notifications", params={"cursor": "x"}, headers=fam.kid)
    assert broken.status_code == 400


async def test_parents_decide_preferences(
    runtime: Runtime, client: httpx.AsyncClient, fam: Family, other: Family
) -> None:
    url = f"{API}/profiles/{fam.profile_id}/notification-preferences"
    shown = await client.get(url, headers=fam.kid)
    assert shown.status_code == 200
    assert shown.json()["categories"]["progress"] == {
        "in_app": False,
        "push": False,
        "email": False,
    }
    body = {
        "categories": {"progress": {"in_app": True, "push": True}},
        "quiet_hours": {"start": "19:30", "end": "07:00"},
        "reminders": {"days": [1, 3, 5], "time": "17:00"},
        "nickname_on_lock_screen": True,
    }
    assert (await client.put(url, json=body, headers=fam.kid)).status_code == 403
    assert (await client.put(url, json=body, headers=other.parent)).status_code == 404
    assert (await client.get(url, headers=other.kid)).status_code == 404
    assert (await client.get(url)).status_code == 401
    saved = await client.put(url, json=body, headers=fam.parent)
    assert saved.status_code == 200, saved.text
    assert saved.json()["reminders"] == {"days": [1, 3, 5], "time": "17:00:00"}
    assert (await client.get(url, headers=fam.kid)).json()["categories"]["progress"]["push"] is True
    wrong = await client.put(
        url, json={"quiet_hours": {"start": "20:00", "end": "20:00"}}, headers=fam.parent
    )
    assert wrong.status_code == 422
    assert (await client.get(url, headers=fam.kid)).json()["quiet_hours"]["start"] == "19:30:00"


async def test_category_turned_off_sends_nothing(
    runtime: Runtime, client: httpx.AsyncClient, fam: Family
) -> None:
    from app.notifications.models import Category

    # Nudges are off until a parent turns them on.
    assert await send(runtime, fam, "nudge", category=Category.progress) is None
    assert (await client.get(f"{API}/notifications", headers=fam.kid)).json()["items"] == []


async def test_devices_need_push_consent_and_revoking_removes_them(
    runtime: Runtime, client: httpx.AsyncClient, fam: Family, other: Family
) -> None:
    device = {"platform": "android", "token": "token-aaaaaaaa"}
    refused = await client.post(f"{API}/devices", json=device, headers=fam.kid)
    assert refused.status_code == 403
    assert refused.json()["code"] == "push_consent_required"
    consent = f"{API}/accounts/me/push-consent"
    assert (await client.post(consent, json={"granted": True}, headers=fam.kid)).status_code == 403
    granted = await client.post(consent, json={"granted": True}, headers=fam.parent)
    assert granted.status_code == 200
    assert granted.json()["granted"] is True

    first = await client.post(f"{API}/devices", json=device, headers=fam.kid)
    again = await client.post(f"{API}/devices", json=device, headers=fam.kid)
    assert first.status_code == again.status_code == 200
    assert first.json()["id"] == again.json()["id"]  # idempotent per token
    assert first.json()["profile_id"] == fam.profile_id
    foreign = {**device, "token": "token-bbbbbbbb", "profile_id": other.profile_id}
    assert (
        await client.post(f"{API}/devices", json=foreign, headers=fam.parent)
    ).status_code == 404
    parent_phone = await client.post(
        f"{API}/devices", json={"platform": "ios", "token": "token-cccccccc"}, headers=fam.parent
    )
    assert parent_phone.status_code == 200
    assert (
        await client.delete(f"{API}/devices/{parent_phone.json()['id']}", headers=other.parent)
    ).status_code == 404
    assert (
        await client.delete(f"{API}/devices/{parent_phone.json()['id']}", headers=fam.kid)
    ).status_code == 404
    assert (
        await client.delete(f"{API}/devices/{parent_phone.json()['id']}", headers=fam.parent)
    ).status_code == 204

    revoked = await client.post(consent, json={"granted": False}, headers=fam.parent)
    assert revoked.json()["devices_removed"] == 1
    async with runtime.db.session() as session:
        left = await session.scalar(sa.text("SELECT count(*) FROM device"))
    assert left == 0


async def test_a_push_token_longer_than_any_real_one_is_a_422_not_a_500(
    runtime: Runtime, client: httpx.AsyncClient, fam: Family
) -> None:
    consent = f"{API}/accounts/me/push-consent"
    assert (await client.post(consent, json={"granted": True}, headers=fam.parent)).is_success
    rng = random.Random(7)  # printable ASCII that does not compress
    longest = "".join(chr(rng.randint(0x21, 0x7E)) for _ in range(512))
    kept = await client.post(
        f"{API}/devices", json={"platform": "android", "token": longest}, headers=fam.parent
    )
    assert kept.status_code == 200, kept.text
    for size in (513, 4096):
        token = "".join(chr(rng.randint(0x21, 0x7E)) for _ in range(size))
        refused = await client.post(
            f"{API}/devices", json={"platform": "android", "token": token}, headers=fam.parent
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == "validation_error"
        assert [e["loc"] for e in refused.json()["errors"]] == [["body", "token"]]
    async with runtime.db.session() as session:
        stored = (await session.execute(sa.text("SELECT token FROM device"))).scalars().all()
    assert stored == [longest]


async def test_follows(
    runtime: Runtime, client: httpx.AsyncClient, fam: Family, other: Family
) -> None:
    from app.accounts.models import Role
    from tests.support.auth import signed_in

    editor = await signed_in(runtime, client, "ed@example.com", Role.editor)
    theme = await client.post(
        f"{API}/admin/themes",
        json={"kind": "video", "slug": "songs", "title": "Songs"},
        headers=editor,
    )
    theme_id = theme.json()["id"]
    url = f"{API}/profiles/{fam.profile_id}/follows/theme/{theme_id}"
    assert (await client.put(url, headers=other.kid)).status_code == 404
    assert (await client.put(url)).status_code == 401
    followed = await client.put(url, headers=fam.kid)
    assert followed.status_code == 200
    assert followed.json()["kind"] == "theme"
    assert (await client.put(url, headers=fam.parent)).status_code == 200
    missing = f"{API}/profiles/{fam.profile_id}/follows/series/{theme_id}"
    assert (await client.put(missing, headers=fam.kid)).status_code == 404
    bad = f"{API}/profiles/{fam.profile_id}/follows/planet/{theme_id}"
    assert (await client.put(bad, headers=fam.kid)).status_code == 422
    assert (await client.delete(url, headers=fam.kid)).status_code == 204
    async with runtime.db.session() as session:
        assert await session.scalar(sa.text("SELECT count(*) FROM follow")) == 0


async def test_export_and_deletion(
    runtime: Runtime, client: httpx.AsyncClient, fam: Family
) -> None:
    await client.post(f"{API}/accounts/me/push-consent", json={"granted": True}, headers=fam.parent)
    await client.post(
        f"{API}/devices", json={"platform": "web", "token": "token-dddddddd"}, headers=fam.kid
    )
    await client.put(
        f"{API}/profiles/{fam.profile_id}/notification-preferences",
        json={"reminders": {"days": [2], "time": "16:00"}},
        headers=fam.parent,
    )
    await send(runtime, fam, "exported")
    export = (await client.get(f"{API}/accounts/me/export", headers=fam.parent)).json()
    section = export["notifications"]
    assert [n["title"] for n in section["inbox"]] == ["Hello exported"]
    assert section["devices"][0]["token"] == "token-dddddddd"
    assert section["preferences"][0]["reminder_days"] == [2]
    assert section["push_consent"]["granted_at"]

    deleted = await client.delete(f"{API}/profiles/{fam.profile_id}", headers=fam.parent)
    assert deleted.status_code == 204
    async with runtime.db.session() as session:
        for table in ("notification", "device", "notification_preference", "notification_event"):
            assert await session.scalar(sa.text(f"SELECT count(*) FROM {table}")) == 0, table


async def test_a_device_registered_while_consent_is_revoked_does_not_stay_behind(
    live_runtime: Runtime, live_client: httpx.AsyncClient
) -> None:
    fam = await make_family(live_runtime, live_client, "race.parent@example.com")
    consent = f"{API}/accounts/me/push-consent"
    granted = await live_client.post(consent, json={"granted": True}, headers=fam.parent)
    assert granted.status_code == 200
    token = fam.parent["Authorization"].removeprefix("Bearer ")
    caller = await caller_from_token(live_runtime.tokens, live_runtime.revocations, token)
    device = DeviceIn(platform=Platform.android, token="token-race-1")
    async with live_runtime.db.session() as session:
        # A registration is under way (checked, written, not committed) when the parent
        # says no.
        await notifications_service.register_device(session, caller, device)
        revoking = asyncio.create_task(
            live_client.post(consent, json={"granted": False}, headers=fam.parent)
        )
        await asyncio.sleep(0.5)
        assert not revoking.done()  # it waits for the registration to end
    revoked = await revoking
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["devices_removed"] == 1
    async with live_runtime.db.session() as session:
        left = await session.scalar(sa.text("SELECT count(*) FROM device"))
    assert left == 0
    # And once revoked, registering is refused.
    refused = await live_client.post(
        f"{API}/devices", json={"platform": "android", "token": "token-race-2"}, headers=fam.kid
    )
    assert refused.status_code == 403
