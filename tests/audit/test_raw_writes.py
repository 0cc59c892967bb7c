"""Staff writes are audited by the database, whichever way they reach it: here SQL sent on the
asyncpg connection under the request's session, which no session hook could see."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from app.accounts.models import Role
from app.audit import service as audit_service
from app.audit.triggers import email_digest
from app.core.db import SessionDep, session_driver
from app.runtime import Runtime
from tests.support.auth import signed_in

pytestmark = pytest.mark.asyncio

RAW = "/api/v1/admin/test-audit/raw"  # a staff path
PLAIN_RAW = "/api/v1/test-audit/raw"  # anyone's path


class Statement(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sql: str
    args: list[Any] = []


routes = APIRouter()


async def _run(body: Statement, session: SessionDep) -> dict[str, str]:
    conn = await session_driver(session)
    return {"status": await conn.execute(body.sql, *body.args)}


routes.add_api_route(RAW, _run, methods=["POST"])
routes.add_api_route(PLAIN_RAW, _run, methods=["POST"])


@routes.post("/api/v1/admin/test-audit/record")
async def _record(session: SessionDep) -> dict[str, bool]:
    """A staff action that writes no audited row, recorded by hand."""
    written = await audit_service.record(
        session,
        "update",
        "sign_in",
        "support-desk",
        {"password": ("old", "new"), "email": ("Ama@Example.com", None), "note": ("", "x" * 2100)},
    )
    return {"written": written}


async def _events(runtime: Runtime) -> list[dict[str, Any]]:
    async with runtime.db.session() as session:
        rows = await session.execute(sa.text("SELECT * FROM audit_event ORDER BY at, id"))
        return [dict(row) for row in rows.mappings()]


async def _raw(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], sql: str, *args: Any
) -> str:
    response = await client.post(path, json={"sql": sql, "args": list(args)}, headers=headers)
    assert response.status_code == 200, response.text
    status: str = response.json()["status"]
    return status


async def _account_id(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    me = await client.get("/api/v1/accounts/me", headers=headers)
    assert me.status_code == 200, me.text
    account_id: str = me.json()["id"]
    return account_id


async def test_a_raw_staff_write_lands_in_the_log_and_nobody_elses_does(
    routes_client: httpx.AsyncClient, runtime: Runtime
) -> None:
    editor = await signed_in(runtime, routes_client, "raw.editor@example.com", Role.editor)
    parent = await signed_in(runtime, routes_client, "raw.parent@example.com")
    editor_id = await _account_id(routes_client, editor)
    theme_id = str(uuid.uuid4())

    created = await _raw(
        routes_client,
        RAW,
        editor,
        "INSERT INTO theme (id, kind, slug, title, description, colour, sort_order) "
        "VALUES ($1::uuid, 'video', 'raw', 'Raw', '', '#ffb300', 0)",
        theme_id,
    )
    assert created == "INSERT 0 1"
    renamed = await _raw(
        routes_client,
        RAW,
        {**editor, "X-Request-ID": "req-raw-1"},
        "UPDATE theme SET title = $2 WHERE id = $1::uuid",
        theme_id,
        "Raw and cooked",
    )
    assert renamed == "UPDATE 1"

    events = await _events(runtime)
    assert [(e["action"], e["target_type"], e["target_id"]) for e in events] == [
        ("create", "theme", theme_id),
        ("update", "theme", theme_id),
    ]
    create, update = events
    assert create["changes"]["title"] == {"before": None, "after": "Raw"}
    assert create["changes"]["slug"] == {"before": None, "after": "raw"}
    assert update["changes"] == {"title": {"before": "Raw", "after": "Raw and cooked"}}
    assert str(update["actor_id"]) == editor_id
    assert update["actor_role"] == "editor"
    assert update["route"] == f"POST {RAW}"
    assert update["request_id"] == "req-raw-1"

    # The same statement by a parent on the staff path, and on a path that is not staff's,
    # after a staff request in the same database transaction (as every test runs): not a
    # staff write, whichever the path.
    for path in (RAW, PLAIN_RAW):
        assert (
            await _raw(
                routes_client,
                path,
                parent,
                "UPDATE theme SET title = $2 WHERE id = $1::uuid",
                theme_id,
                f"Parent's {path}",
            )
            == "UPDATE 1"
        )
    deleted = await _raw(
        routes_client, RAW, editor, "DELETE FROM theme WHERE id = $1::uuid", theme_id
    )
    assert deleted == "DELETE 1"

    after = await _events(runtime)
    assert [(e["action"], str(e["actor_id"])) for e in after[2:]] == [("delete", editor_id)]
    assert after[2]["changes"]["title"] == {"before": f"Parent's {PLAIN_RAW}", "after": None}


async def test_the_trigger_keeps_secrets_addresses_and_long_text_out_and_skips_bookkeeping(
    routes_client: httpx.AsyncClient, runtime: Runtime
) -> None:
    admin = await signed_in(runtime, routes_client, "raw.admin@example.com", Role.admin)
    await signed_in(runtime, routes_client, "Kofi.Mensah@Example.com")
    account_id = await routes_client.get(
        "/api/v1/admin/accounts", params={"limit": 100}, headers=admin
    )
    target = next(a for a in account_id.json()["items"] if a["email"].lower().startswith("kofi"))

    await _raw(
        routes_client,
        RAW,
        admin,
        "UPDATE account SET password_hash = 'argon2-new', email = 'kofi@example.org' "
        "WHERE id = $1::uuid",
        target["id"],
    )
    theme_id = str(uuid.uuid4())
    await _raw(
        routes_client,
        RAW,
        admin,
        "INSERT INTO theme (id, kind, slug, title, description, colour, sort_order) "
        "VALUES ($1::uuid, 'video', 'long', 'Long', $2, '#ffb300', 0)",
        theme_id,
        "K" * 2500,
    )
    # Only the bookkeeping column: not an edit.
    await _raw(
        routes_client,
        RAW,
        admin,
        "UPDATE account SET updated_at = updated_at - interval '1 day' WHERE id = $1::uuid",
        target["id"],
    )

    events = await _events(runtime)
    assert [(e["action"], e["target_type"]) for e in events] == [
        ("update", "account"),
        ("create", "theme"),
    ]
    assert events[0]["changes"] == {
        "password_hash": {"before": audit_service.REDACTED, "after": audit_service.REDACTED},
        "email": {
            "before": email_digest(target["email"]),
            "after": email_digest("kofi@example.org"),
        },
    }
    assert events[1]["changes"]["description"]["after"] == "K" * 2000 + "…"
    text = str(events)
    assert "argon2" not in text
    assert "kofi" not in text.lower()


async def test_an_invitees_address_is_kept_only_as_its_digest(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    teacher = await signed_in(runtime, client, "invite.teacher@example.com", Role.teacher)
    named = await client.patch(
        "/api/v1/accounts/me", json={"display_name": "Mrs Mensah"}, headers=teacher
    )
    assert named.status_code == 200, named.text
    room = await client.post(
        "/api/v1/classrooms", json={"name": "Primary 4 Blue", "age_band": "9-12"}, headers=teacher
    )
    assert room.status_code == 201, room.text
    invited = await client.post(
        f"/api/v1/classrooms/{room.json()['id']}/invites",
        json={"email": "OWUSU@school.example.com"},
        headers=teacher,
    )
    assert invited.status_code == 201, invited.text

    events = await _events(runtime)
    invites = [e for e in events if e["target_type"] == "classroom_invite"]
    assert [(e["action"], e["target_id"]) for e in invites] == [("create", invited.json()["id"])]
    assert invites[0]["changes"]["email"] == {
        "before": None,
        "after": email_digest("owusu@school.example.com"),
    }
    assert "owusu" not in str(events).lower()


async def test_record_still_logs_an_action_that_writes_no_row(
    routes_client: httpx.AsyncClient, runtime: Runtime
) -> None:
    admin = await signed_in(runtime, routes_client, "record.admin@example.com", Role.admin)
    response = await routes_client.post("/api/v1/admin/test-audit/record", headers=admin)
    assert response.status_code == 200, response.text
    assert response.json() == {"written": True}
    [event] = await _events(runtime)
    assert (event["action"], event["target_type"], event["target_id"]) == (
        "update",
        "sign_in",
        "support-desk",
    )
    assert event["changes"] == {
        "password": {"before": "[redacted]", "after": "[redacted]"},
        "email": {"before": email_digest("ama@example.com"), "after": None},
        "note": {"before": "", "after": "x" * 2000 + "…"},
    }
    assert event["route"] == "POST /api/v1/admin/test-audit/record"
