"""The audit log: staff writes recorded with the change, nothing without it, and rows the
database will not let anyone change."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from app.accounts.models import Role
from app.runtime import Runtime
from tests.support.auth import signed_in

pytestmark = pytest.mark.asyncio


async def _events(runtime: Runtime, target_id: str | None = None) -> list[dict[str, object]]:
    query = "SELECT * FROM audit_event"
    params: dict[str, object] = {}
    if target_id is not None:
        query += " WHERE target_id = :target_id"
        params["target_id"] = target_id
    async with runtime.db.session() as session:
        rows = await session.execute(sa.text(query + " ORDER BY at, id"), params)
        return [dict(row) for row in rows.mappings()]


async def _theme(
    client: httpx.AsyncClient, headers: dict[str, str], slug: str
) -> dict[str, object]:
    response = await client.post(
        "/api/v1/admin/themes",
        json={"kind": "video", "slug": slug, "title": "Kente weaving"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    theme: dict[str, object] = response.json()
    return theme


async def test_a_successful_edit_leaves_exactly_one_row_with_the_diff(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    editor = await signed_in(runtime, client, "editor@example.com", Role.editor)
    theme = await _theme(client, editor, "kente")
    created = await _events(runtime, str(theme["id"]))
    assert [(e["action"], e["target_type"]) for e in created] == [("create", "theme")]
    assert created[0]["changes"]["title"] == {"before": None, "after": "Kente weaving"}  # type: ignore[index]

    response = await client.patch(
        f"/api/v1/admin/themes/{theme['id']}",
        json={"title": "Kente and adinkra"},
        headers={**editor, "X-Request-ID": "req-audit-1"},
    )
    assert response.status_code == 200, response.text

    events = await _events(runtime, str(theme["id"]))
    updates = [e for e in events if e["action"] == "update"]
    assert len(updates) == 1
    update = updates[0]
    assert update["changes"] == {"title": {"before": "Kente weaving", "after": "Kente and adinkra"}}
    assert update["actor_role"] == "editor"
    assert update["request_id"] == "req-audit-1"
    assert update["route"] == "PATCH /api/v1/admin/themes/{theme_id}"


async def test_a_failed_write_leaves_no_row(client: httpx.AsyncClient, runtime: Runtime) -> None:
    editor = await signed_in(runtime, client, "editor@example.com", Role.editor)
    await _theme(client, editor, "kente")
    before = await _events(runtime)

    taken = await client.post(
        "/api/v1/admin/themes",
        json={"kind": "video", "slug": "kente", "title": "Another"},
        headers=editor,
    )
    assert taken.status_code == 409, taken.text
    assert await _events(runtime) == before


async def test_a_parents_own_writes_are_not_staff_writes(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    parent = await signed_in(runtime, client, "parent@example.com")
    response = await client.patch(
        "/api/v1/accounts/me", json={"display_name": "Ama"}, headers=parent
    )
    assert response.status_code == 200, response.text
    assert await _events(runtime) == []


async def test_role_changes_are_recorded_and_secrets_never(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    admin = await signed_in(runtime, client, "admin@example.com", Role.admin)
    await signed_in(runtime, client, "teacher@example.com")
    listed = await client.get("/api/v1/admin/accounts", headers=admin)
    target = next(a for a in listed.json()["items"] if a["email"] == "teacher@example.com")
    response = await client.patch(
        f"/api/v1/admin/accounts/{target['id']}", json={"role": "teacher"}, headers=admin
    )
    assert response.status_code == 200, response.text
    events = await _events(runtime, str(target["id"]))
    # The role, then the end of the account's sessions (a second flush of the same request).
    roles = [e["changes"]["role"] for e in events if "role" in e["changes"]]  # type: ignore[operator,index]
    assert roles == [{"before": "parent", "after": "teacher"}]
    assert {e["action"] for e in events} == {"update"}
    assert all(e["route"] == "PATCH /api/v1/admin/accounts/{account_id}" for e in events)
    assert "argon2" not in str(await _events(runtime))


async def test_the_database_refuses_to_change_or_delete_a_row(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    editor = await signed_in(runtime, client, "editor@example.com", Role.editor)
    await _theme(client, editor, "kente")
    for statement in (
        "UPDATE audit_event SET actor_role = 'admin'",
        "DELETE FROM audit_event",
    ):
        with pytest.raises(DBAPIError, match="cannot be changed"):
            async with runtime.db.session() as session:
                await session.execute(sa.text(statement))
    assert len(await _events(runtime)) == 1


async def test_retention_deletes_only_old_rows(client: httpx.AsyncClient, runtime: Runtime) -> None:
    from app.audit.retention import prune_audit

    editor = await signed_in(runtime, client, "editor@example.com", Role.editor)
    await _theme(client, editor, "kente")
    assert await prune_audit(runtime) == "deleted 0 audit events"
    assert len(await _events(runtime)) == 1
    short = runtime.settings.model_copy(update={"audit_retention_days": 1})
    runtime.settings, saved = short, runtime.settings
    try:
        # Written "now" in this test's transaction: still young enough to keep.
        assert await prune_audit(runtime) == "deleted 0 audit events"
    finally:
        runtime.settings = saved


async def test_admins_read_the_log_with_filters_and_pages(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    editor = await signed_in(runtime, client, "editor@example.com", Role.editor)
    admin = await signed_in(runtime, client, "admin@example.com", Role.admin)
    for slug in ("kente", "adinkra", "drums"):
        await _theme(client, editor, slug)

    first = await client.get("/api/v1/admin/audit?limit=2&target_type=theme", headers=admin)
    assert first.status_code == 200, first.text
    page = first.json()
    assert len(page["items"]) == 2
    assert page["next_cursor"]
    rest = await client.get(
        f"/api/v1/admin/audit?limit=2&target_type=theme&cursor={page['next_cursor']}",
        headers=admin,
    )
    ids = {e["id"] for e in page["items"]} | {e["id"] for e in rest.json()["items"]}
    assert len(ids) == 3
    assert rest.json()["next_cursor"] is None

    none = await client.get("/api/v1/admin/audit?action=delete", headers=admin)
    assert none.json()["items"] == []
    by_actor = await client.get(
        f"/api/v1/admin/audit?actor={page['items'][0]['actor_id']}", headers=admin
    )
    assert len(by_actor.json()["items"]) == 3

    assert (await client.get("/api/v1/admin/audit", headers=editor)).status_code == 403
    assert (await client.get("/api/v1/admin/audit")).status_code == 401
    bad = await client.get("/api/v1/admin/audit?cursor=nonsense", headers=admin)
    assert bad.status_code == 400


async def test_core_deletes_through_the_session_are_recorded(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """Deleting an asset runs Core DELETE statements, not ORM deletes: recorded all the same."""
    from tests.support.factories import stored_asset

    editor = await signed_in(runtime, client, "editor@example.com", Role.editor)
    async with runtime.db.session() as session:
        asset = await stored_asset(session, runtime.storage, name="unused")
    response = await client.delete(f"/api/v1/admin/assets/{asset.id}", headers=editor)
    assert response.status_code == 204, response.text
    events = await _events(runtime, str(asset.id))
    assert [(e["action"], e["target_type"]) for e in events] == [("delete", "media_asset")]
    assert events[0]["changes"]["key"] == {"before": asset.key, "after": None}  # type: ignore[index]


async def test_a_teachers_classroom_is_recorded(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    teacher = await signed_in(runtime, client, "teacher@example.com", Role.teacher)
    named = await client.patch(
        "/api/v1/accounts/me", json={"display_name": "Mrs Mensah"}, headers=teacher
    )
    assert named.status_code == 200, named.text
    response = await client.post(
        "/api/v1/classrooms", json={"name": "Primary 4 Blue", "age_band": "9-12"}, headers=teacher
    )
    assert response.status_code == 201, response.text
    events = await _events(runtime, str(response.json()["id"]))
    assert [(e["action"], e["actor_role"]) for e in events] == [("create", "teacher")]
    assert events[0]["changes"]["name"]["after"] == "Primary 4 Blue"  # type: ignore[index]


async def test_a_reorder_records_every_row_that_moved(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    editor = await signed_in(runtime, client, "reorder.editor@example.com", Role.editor)
    first = await _theme(client, editor, "first-theme")
    second = await _theme(client, editor, "second-theme")
    async with runtime.db.session() as session:
        places = dict(
            (
                await session.execute(
                    sa.text("SELECT id::text, sort_order FROM theme WHERE id::text IN (:a, :b)"),
                    {"a": first["id"], "b": second["id"]},
                )
            ).all()
        )
    response = await client.post(
        "/api/v1/admin/themes/reorder", json={"ids": [second["id"], first["id"]]}, headers=editor
    )
    assert response.status_code == 204, response.text
    updates = [
        (str(e["target_id"]), e["changes"])
        for e in await _events(runtime)
        if e["action"] == "update" and e["target_type"] == "theme"
    ]
    moved = dict(updates)
    assert len(moved) == len(updates)  # one row per theme that moved, not two
    expected = {
        str(second["id"]): {"sort_order": {"before": places[second["id"]], "after": 0}},
        str(first["id"]): {"sort_order": {"before": places[first["id"]], "after": 1}},
    }
    assert moved  # at least one theme changed place
    assert {
        k: v for k, v in expected.items() if v["sort_order"]["before"] != v["sort_order"]["after"]
    } == moved
