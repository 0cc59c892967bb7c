"""`/accounts/me` and the admins' `/admin/accounts`."""

from __future__ import annotations

import httpx
import pytest

from app.accounts.models import Role
from app.runtime import Runtime
from tests.support.auth import PASSWORD, bearer, login, make_account, signed_in


async def test_read_and_update_my_account(runtime: Runtime, client: httpx.AsyncClient) -> None:
    headers = await signed_in(runtime, client, "me@example.com")
    me = await client.get("/api/v1/accounts/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["locale"] == "en"
    assert me.json()["timezone"] == "Africa/Accra"
    updated = await client.patch(
        "/api/v1/accounts/me",
        json={"display_name": "  Auntie Efua  ", "locale": "en-GH", "timezone": "Europe/London"},
        headers=headers,
    )
    assert updated.status_code == 200
    assert updated.json()["display_name"] == "Auntie Efua"
    assert updated.json()["locale"] == "en-GH"
    assert (await client.get("/api/v1/accounts/me", headers=headers)).json() == updated.json()


@pytest.mark.parametrize(
    "body",
    [
        {"timezone": "Mars/Olympus"},
        {"locale": "english please"},
        {"display_name": ""},
        {"role": "admin"},
        {"email": "other@example.com"},
    ],
)
async def test_bad_account_updates_are_422_and_change_nothing(
    runtime: Runtime, client: httpx.AsyncClient, body: dict
) -> None:
    headers = await signed_in(runtime, client, "careful@example.com")
    before = (await client.get("/api/v1/accounts/me", headers=headers)).json()
    response = await client.patch("/api/v1/accounts/me", json=body, headers=headers)
    assert response.status_code == 422
    assert (await client.get("/api/v1/accounts/me", headers=headers)).json() == before


async def test_admins_list_search_and_page_through_accounts(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    admin = await signed_in(runtime, client, "root@example.com", Role.admin)
    for i in range(5):
        await make_account(runtime, f"family{i}@example.com")
    await make_account(runtime, "teacher@school.example", Role.teacher)

    first = await client.get("/api/v1/admin/accounts", params={"limit": 4}, headers=admin)
    assert first.status_code == 200
    assert len(first.json()["items"]) == 4
    second = await client.get(
        "/api/v1/admin/accounts",
        params={"limit": 4, "cursor": first.json()["next_cursor"]},
        headers=admin,
    )
    assert second.json()["next_cursor"] is None
    emails = [a["email"] for a in first.json()["items"] + second.json()["items"]]
    assert len(emails) == len(set(emails)) == 7

    found = await client.get("/api/v1/admin/accounts", params={"q": "FAMILY3"}, headers=admin)
    assert [a["email"] for a in found.json()["items"]] == ["family3@example.com"]
    teachers = await client.get("/api/v1/admin/accounts", params={"role": "teacher"}, headers=admin)
    assert [a["email"] for a in teachers.json()["items"]] == ["teacher@school.example"]
    bad = await client.get("/api/v1/admin/accounts", params={"cursor": "garbage"}, headers=admin)
    assert bad.status_code == 400


async def test_admins_change_roles_and_disable_accounts(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    admin = await signed_in(runtime, client, "root@example.com", Role.admin)
    account = await make_account(runtime, "editor-to-be@example.com")
    tokens = await login(client, "editor-to-be@example.com")

    promoted = await client.patch(
        f"/api/v1/admin/accounts/{account.id}", json={"role": "editor"}, headers=admin
    )
    assert promoted.status_code == 200
    assert promoted.json()["role"] == "editor"
    # The role is in the next token; the old sessions were ended.
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 401
    relogged = await login(client, "editor-to-be@example.com")
    assert (await client.get("/api/v1/accounts/me", headers=bearer(relogged))).json()[
        "role"
    ] == "editor"

    disabled = await client.patch(
        f"/api/v1/admin/accounts/{account.id}", json={"disabled": True}, headers=admin
    )
    assert disabled.json()["disabled"] is True
    refused = await client.post(
        "/api/v1/auth/login", json={"email": "editor-to-be@example.com", "password": PASSWORD}
    )
    assert refused.status_code == 403
    # Disabling ended every session too.
    assert (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": relogged["refresh_token"]})
    ).status_code == 401

    enabled = await client.patch(
        f"/api/v1/admin/accounts/{account.id}", json={"disabled": False}, headers=admin
    )
    assert enabled.json()["disabled"] is False
    await login(client, "editor-to-be@example.com")


async def test_admin_cannot_lock_themselves_out(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    admin = await signed_in(runtime, client, "root@example.com", Role.admin)
    me = (await client.get("/api/v1/accounts/me", headers=admin)).json()
    for body in ({"role": "parent"}, {"disabled": True}):
        response = await client.patch(
            f"/api/v1/admin/accounts/{me['id']}", json=body, headers=admin
        )
        assert response.status_code == 409
        assert response.json()["code"] == "self_change"


@pytest.mark.parametrize("role", [Role.parent, Role.teacher, Role.editor])
async def test_only_admins_reach_admin_accounts(
    runtime: Runtime, client: httpx.AsyncClient, role: Role
) -> None:
    headers = await signed_in(runtime, client, f"{role.value}@example.com", role)
    response = await client.get("/api/v1/admin/accounts", headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "role_required"
    assert (await client.get("/api/v1/admin/accounts")).status_code == 401


async def test_unknown_account_is_404_and_bad_role_422(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    admin = await signed_in(runtime, client, "root@example.com", Role.admin)
    missing = await client.patch(
        "/api/v1/admin/accounts/00000000-0000-0000-0000-000000000000",
        json={"role": "editor"},
        headers=admin,
    )
    assert missing.status_code == 404
    account = await make_account(runtime, "x@example.com")
    bad = await client.patch(
        f"/api/v1/admin/accounts/{account.id}", json={"role": "overlord"}, headers=admin
    )
    assert bad.status_code == 422
