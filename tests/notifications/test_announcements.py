"""Editors' announcements respect what parents chose (a category of their own, per explorer)
and send families only into the app or to addresses the service allows."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.runtime import Runtime
from tests.notifications.conftest import Family, make_family
from tests.support.auth import make_profile, signed_in

API = "/api/v1"
URL = f"{API}/admin/announcements"
NEWS = {"title": "Festival week", "body": "New drumming stories all week", "audience": "everyone"}
OFF = {"in_app": False, "push": False}
CATEGORIES = ("new_content", "reminder", "progress", "classroom", "account", "announcement")


async def _parent_phone(client: httpx.AsyncClient, fam: Family, token: str) -> None:
    consent = f"{API}/accounts/me/push-consent"
    assert (await client.post(consent, json={"granted": True}, headers=fam.parent)).is_success
    device = {"platform": "android", "token": token}
    assert (await client.post(f"{API}/devices", json=device, headers=fam.parent)).is_success


async def _parent_inbox(runtime: Runtime, fam: Family) -> list[sa.Row]:  # type: ignore[type-arg]
    async with runtime.db.session() as session:
        result = await session.execute(
            sa.text(
                "SELECT category, link, pushed_at FROM notification "
                "WHERE account_id = :a AND profile_id IS NULL"
            ),
            {"a": fam.account_id},
        )
        return list(result.all())


async def test_an_announcement_to_everyone_follows_each_familys_choice(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    editor = await signed_in(runtime, client, "editor.news@example.com", Role.editor)
    silent, pushed, default = [
        await make_family(runtime, client, f"news{n}@example.com", f"News{n}") for n in range(3)
    ]
    for n, fam in enumerate((silent, pushed, default)):
        await _parent_phone(client, fam, f"parent-phone-{n}")
    prefs = f"{API}/profiles/{silent.profile_id}/notification-preferences"
    # A parent who turned every category off.
    everything_off = {"categories": dict.fromkeys(CATEGORIES, OFF)}
    assert (await client.put(prefs, json=everything_off, headers=silent.parent)).status_code == 200
    prefs = f"{API}/profiles/{pushed.profile_id}/notification-preferences"
    on = {"categories": {"announcement": {"in_app": True, "push": True}}}
    assert (await client.put(prefs, json=on, headers=pushed.parent)).status_code == 200
    # Untouched: in the app, not on the phone.
    shown = await client.get(
        f"{API}/profiles/{default.profile_id}/notification-preferences", headers=default.parent
    )
    assert shown.json()["categories"]["announcement"] == {
        "in_app": True,
        "push": False,
        "email": False,
    }

    made = await client.post(URL, json=NEWS, headers=editor)
    assert made.status_code == 201, made.text
    await runtime.worker.run_due()

    assert await _parent_inbox(runtime, silent) == []
    assert [
        (r.category, r.pushed_at is not None) for r in await _parent_inbox(runtime, pushed)
    ] == [("announcement", True)]
    assert [(r.category, r.pushed_at) for r in await _parent_inbox(runtime, default)] == [
        ("announcement", None)
    ]
    phones = [m.token for m in runtime.push.sent]  # type: ignore[attr-defined]
    assert phones == ["parent-phone-1"]
    reached = (await client.get(f"{URL}/{made.json()['id']}", headers=editor)).json()
    assert reached["reached"] == 2


async def test_a_parent_hears_announcements_while_any_explorer_allows_them(
    runtime: Runtime, client: httpx.AsyncClient, fam: Family
) -> None:
    editor = await signed_in(runtime, client, "editor.two@example.com", Role.editor)
    second = (await make_profile(client, fam.parent, "Esi"))["id"]
    off = {"categories": {"announcement": OFF}}
    first_prefs = f"{API}/profiles/{fam.profile_id}/notification-preferences"
    assert (await client.put(first_prefs, json=off, headers=fam.parent)).status_code == 200
    assert (await client.post(URL, json=NEWS, headers=editor)).status_code == 201
    await runtime.worker.run_due()
    assert len(await _parent_inbox(runtime, fam)) == 1  # Esi still has the defaults

    second_prefs = f"{API}/profiles/{second}/notification-preferences"
    assert (await client.put(second_prefs, json=off, headers=fam.parent)).status_code == 200
    assert (await client.post(URL, json=NEWS, headers=editor)).status_code == 201
    await runtime.worker.run_due()
    assert len(await _parent_inbox(runtime, fam)) == 1  # off for every explorer: nothing new


async def test_followers_get_an_announcement_as_their_parent_set_it(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    editor = await signed_in(runtime, client, "editor.follow@example.com", Role.editor)
    theme = (
        await client.post(
            f"{API}/admin/themes",
            json={"kind": "video", "slug": "drums", "title": "Drums"},
            headers=editor,
        )
    ).json()["id"]
    hears, muted = [
        await make_family(runtime, client, f"fan{n}@example.com", f"Fan{n}") for n in range(2)
    ]
    for fam in (hears, muted):
        follow = f"{API}/profiles/{fam.profile_id}/follows/theme/{theme}"
        assert (await client.put(follow, headers=fam.kid)).status_code == 200
    prefs = f"{API}/profiles/{muted.profile_id}/notification-preferences"
    off = {"categories": {"announcement": OFF}}
    assert (await client.put(prefs, json=off, headers=muted.parent)).status_code == 200

    body = {**NEWS, "audience": "followers", "target": {"kind": "theme", "id": theme}}
    made = await client.post(URL, json=body, headers=editor)
    assert made.status_code == 201, made.text
    await runtime.worker.run_due()
    inbox = (await client.get(f"{API}/notifications", headers=hears.kid)).json()["items"]
    assert [(n["category"], n["title"]) for n in inbox] == [("announcement", "Festival week")]
    assert (await client.get(f"{API}/notifications", headers=muted.kid)).json()["items"] == []
    assert (await client.get(f"{URL}/{made.json()['id']}", headers=editor)).json()["reached"] == 1


ALLOWED = [
    "wonderspaced://home",
    "wonderspaced://videos/6f1c2b7e-2a43-4f0e-9a59-1c1f5b1a1f00",
    "https://wonderspaced.app/open/videos/6f1c2b7e",
    "https://wonderspaced.app/open",
    "https://help.wonderspaced.org/festival?week=1",
    "https://HELP.wonderspaced.org./festival",
]
REFUSED = [
    "https://evil.example/phish",
    "http://help.wonderspaced.org/festival",  # not https
    "https://help.wonderspaced.org:8443/festival",
    "https://wonderspaced.app/elsewhere",  # the app's host, outside its deep links
    "https://wonderspaced.app/openly",
    "https://wonderspaced.app.evil.example/open/videos",
    "https://wonderspaced.app@evil.example/open",
    "https://evil.example\\@wonderspaced.app/open",
    "https://evil.example\\wonderspaced.app/open",
    "//evil.example/open",
    "javascript:alert(1)",
    "wonderspaced:home",
    "wonderspaced://evil@home",
    "https://wonderspaced.app/open/\nx",
    "help.wonderspaced.org/festival",
]


async def test_links_go_into_the_app_or_to_allowed_hosts_only(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    runtime.settings = runtime.settings.model_copy(
        update={
            "app_link_base": "https://wonderspaced.app/open",
            "announcement_link_hosts": ["help.wonderspaced.org"],
        }
    )
    editor = await signed_in(runtime, client, "editor.links@example.com", Role.editor)
    for link in ALLOWED:
        preview = await client.post(
            URL, json={**NEWS, "link": link, "preview": True}, headers=editor
        )
        assert preview.status_code == 200, (link, preview.text)
        assert preview.json()["link"] == link
    for link in REFUSED:
        for preview in (True, False):
            refused = await client.post(
                URL, json={**NEWS, "link": link, "preview": preview}, headers=editor
            )
            assert refused.status_code == 422, (link, refused.text)
            assert refused.headers["content-type"] == "application/problem+json"
            assert [e["loc"] for e in refused.json()["errors"]] == [["body", "link"]], link
    async with runtime.db.session() as session:
        assert await session.scalar(sa.text("SELECT count(*) FROM announcement")) == 0
    sent = await client.post(
        URL, json={**NEWS, "link": "https://help.wonderspaced.org/festival"}, headers=editor
    )
    assert sent.status_code == 201
    async with runtime.db.session() as session:
        stored = await session.scalar(sa.text("SELECT link FROM announcement"))
    assert stored == "https://help.wonderspaced.org/festival"


@pytest.mark.parametrize("hosts", ["", "help.wonderspaced.org, news.wonderspaced.org"])
def test_the_allowed_hosts_setting_reads_a_comma_separated_list(hosts: str) -> None:
    from app.core.config import Settings

    settings = Settings(_env_file=None, announcement_link_hosts=hosts)  # type: ignore[call-arg]
    assert settings.announcement_link_hosts == [h.strip() for h in hosts.split(",") if h.strip()]
