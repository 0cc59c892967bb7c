"""New content in followed themes and series, "continue where you left off", and admin
announcements: each through the outbox, once per recipient."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import sqlalchemy as sa

from app.accounts.models import Role
from app.notifications import tasks as notifications_tasks
from app.notifications.ticker import tick
from app.runtime import Runtime
from tests.notifications.conftest import Family, make_family
from tests.progress.fixtures import Clock, clock  # noqa: F401 (a fixture)
from tests.support.auth import signed_in
from tests.support.catalogue import playable_file

API = "/api/v1"


async def _catalogue(
    runtime: Runtime, client: httpx.AsyncClient
) -> tuple[dict[str, str], str, str]:
    editor = await signed_in(runtime, client, "editor.n@example.com", Role.editor)
    theme = (
        await client.post(
            f"{API}/admin/themes",
            json={"kind": "video", "slug": "drums", "title": "Drums"},
            headers=editor,
        )
    ).json()["id"]
    series = await client.post(
        f"{API}/admin/series",
        json={"theme_id": theme, "slug": "talking", "title": "Talking drums"},
        headers=editor,
    )
    series_id = series.json()["id"]
    assert (
        await client.post(f"{API}/admin/series/{series_id}/publish", headers=editor)
    ).status_code == 200
    return editor, theme, series_id


async def _count(runtime: Runtime, sql: str, **params: object) -> int:
    async with runtime.db.session() as session:
        return int(await session.scalar(sa.text(sql).bindparams(**params)) or 0)


async def test_each_follower_once_in_batches_including_scheduled_items(
    runtime: Runtime, client: httpx.AsyncClient, monkeypatch: object
) -> None:
    editor, theme, series = await _catalogue(runtime, client)
    families: list[Family] = [
        await make_family(runtime, client, f"follower{n}@example.com", f"Kid{n}") for n in range(5)
    ]
    for n, fam in enumerate(families):
        kinds = [("theme", theme)] if n % 2 else [("theme", theme), ("series", series)]
        for kind, ident in kinds:
            assert (
                await client.put(
                    f"{API}/profiles/{fam.profile_id}/follows/{kind}/{ident}", headers=fam.kid
                )
            ).status_code == 200
    monkeypatch.setattr(notifications_tasks, "BATCH", 2)  # type: ignore[attr-defined]
    await tick(runtime)  # the first tick sets the mark
    body = {
        "theme_id": theme,
        "title": "Drum 2",
        "media_asset_id": await playable_file(client, 1000),
        "series_id": series,
        "episode": 2,
    }
    item = (await client.post(f"{API}/admin/videos", json=body, headers=editor)).json()["id"]
    assert (
        await client.post(f"{API}/admin/videos/{item}/publish", headers=editor)
    ).status_code == 200
    later = (
        await client.post(
            f"{API}/admin/videos", json={**body, "title": "Drum 3", "episode": 3}, headers=editor
        )
    ).json()["id"]
    publish_at = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert (
        await client.post(
            f"{API}/admin/videos/{later}/schedule", json={"publish_at": publish_at}, headers=editor
        )
    ).status_code == 200

    await tick(runtime)
    await runtime.worker.run_due()
    await tick(runtime)  # a second tick over the same window sends nothing twice
    await runtime.worker.run_due()
    sql = "SELECT count(*) FROM notification WHERE category = 'new_content' AND dedup_key = :k"
    assert await _count(runtime, sql, k=f"new:{item}") == 5
    assert await _count(runtime, sql, k=f"new:{later}") == 0  # not visible yet
    # Its time comes (moved into the past: the catalogue's clock is the database's).
    async with runtime.db.session() as session:
        await session.execute(
            sa.text(
                "UPDATE video SET published_at = now() - interval '1 second' WHERE id = :i"
            ).bindparams(i=uuid.UUID(later))
        )
    await tick(runtime)
    await runtime.worker.run_due()
    assert await _count(runtime, sql, k=f"new:{later}") == 5
    page = (await client.get(f"{API}/notifications", headers=families[0].kid)).json()
    assert [n["body"] for n in page["items"]] == ["Drum 3", "Drum 2"]


async def test_announcements_preview_schedule_and_reach(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    editor, theme, _ = await _catalogue(runtime, client)
    fams = [await make_family(runtime, client, f"ann{n}@example.com", f"Ann{n}") for n in range(3)]
    await client.put(
        f"{API}/profiles/{fams[0].profile_id}/follows/theme/{theme}", headers=fams[0].kid
    )
    url = f"{API}/admin/announcements"
    base = {"title": "Festival week", "body": "New drumming stories all week"}
    for headers in (fams[0].parent, fams[0].kid):
        assert (
            await client.post(url, json={**base, "audience": "everyone"}, headers=headers)
        ).status_code == 403
    assert (await client.post(url, json={**base, "audience": "everyone"})).status_code == 401
    assert (
        await client.post(url, json={**base, "audience": "followers"}, headers=editor)
    ).status_code == 422
    preview = await client.post(
        url, json={**base, "audience": "everyone", "preview": True}, headers=editor
    )
    assert preview.status_code == 200
    assert preview.json()["audience_size"] == 3
    assert await _count(runtime, "SELECT count(*) FROM announcement") == 0

    later = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    scheduled = await client.post(
        url, json={**base, "audience": "everyone", "send_at": later}, headers=editor
    )
    assert scheduled.status_code == 201
    assert scheduled.json()["status"] == "scheduled"
    followers = await client.post(
        url,
        json={**base, "audience": "followers", "target": {"kind": "theme", "id": theme}},
        headers=editor,
    )
    await runtime.worker.run_due()
    shown = (await client.get(f"{url}/{followers.json()['id']}", headers=editor)).json()
    assert shown["reached"] == 1
    assert shown["status"] == "sent"
    assert (await client.get(f"{url}/{scheduled.json()['id']}", headers=editor)).json()[
        "reached"
    ] == 0
    await tick(runtime, now=datetime.now(UTC) + timedelta(hours=3))
    await runtime.worker.run_due()
    shown = (await client.get(f"{url}/{scheduled.json()['id']}", headers=editor)).json()
    assert shown["reached"] == 3
    assert shown["status"] == "sent"
    # Parents' inboxes got it; editors' did not.
    assert await _count(runtime, "SELECT count(*) FROM notification WHERE profile_id IS NULL") == 3


async def test_continue_nudge_once_a_day_only_when_allowed_and_never_after_completion(
    runtime: Runtime,
    client: httpx.AsyncClient,
    clock: Clock,  # noqa: F811 (the fixture)
) -> None:
    clock.set(datetime.now(UTC))
    editor, theme, _ = await _catalogue(runtime, client)
    video = (
        await client.post(
            f"{API}/admin/videos",
            json={
                "theme_id": theme,
                "title": "Drum talk",
                "media_asset_id": await playable_file(client, 100_000),
            },
            headers=editor,
        )
    ).json()["id"]
    await client.post(f"{API}/admin/videos/{video}/publish", headers=editor)
    fam = await make_family(runtime, client, "nudge@example.com")
    beat = {
        "position_ms": 30_000,
        "watched": [[0, 30_000]],
        "sent_at": datetime.now(UTC).isoformat(),
    }
    assert (
        await client.put(
            f"{API}/profiles/{fam.profile_id}/progress/video/{video}", json=beat, headers=fam.kid
        )
    ).status_code == 200
    # A zone where, 13 hours from now, it is 17:00-something: the nudge hour.
    later = datetime.now(UTC) + timedelta(hours=13)
    offset = (17 - later.hour) % 24
    offset = offset - 24 if offset > 14 else offset
    zone = f"Etc/GMT{-offset:+d}" if offset else "UTC"
    assert (
        await client.patch(f"{API}/accounts/me", json={"timezone": zone}, headers=fam.parent)
    ).status_code == 200
    sql = "SELECT count(*) FROM notification WHERE category = 'progress'"
    await tick(runtime, now=later)
    assert await _count(runtime, sql) == 0  # the category is off until a parent allows it
    prefs = f"{API}/profiles/{fam.profile_id}/notification-preferences"
    await client.put(
        prefs,
        json={"categories": {"progress": {"in_app": True, "push": False}}},
        headers=fam.parent,
    )
    await tick(runtime, now=later)
    await tick(runtime, now=later + timedelta(minutes=30))
    assert await _count(runtime, sql) == 1  # at most one a day
    # The rest played to the end, on the server's clock: completion is earned.
    for start in range(30_000, 100_000, 10_000):
        clock.advance(10)
        done = {
            "position_ms": start + 10_000,
            "watched": [[start, start + 10_000]],
            "sent_at": clock.now.isoformat(),
        }
        await client.put(
            f"{API}/profiles/{fam.profile_id}/progress/video/{video}", json=done, headers=fam.kid
        )
    await tick(runtime, now=later + timedelta(days=1))
    assert await _count(runtime, sql) == 1  # finished: never nudged again
