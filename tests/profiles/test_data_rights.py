"""Parents' rights: export everything, delete a child's profile, delete the whole family, and
prove no row of a deleted family remains anywhere."""

from __future__ import annotations

import uuid

import httpx
import sqlalchemy as sa

from app.core.db import metadata
from app.runtime import Runtime
from tests.support.auth import PASSWORD, delivered_code, family, kid_token, make_profile
from tests.support.smtp import SmtpServer


async def _rows_of(
    runtime: Runtime, account_id: str | None, profile_ids: list[str], email: str | None
) -> dict[str, int]:
    """For every table: rows that point at this account, these profiles, or this email."""
    ids = [uuid.UUID(account_id)] if account_id else []
    profiles = [uuid.UUID(p) for p in profile_ids]
    found: dict[str, int] = {}
    async with runtime.db.session() as session:
        for table in metadata.sorted_tables:
            conditions = []
            if table.name == "account":
                conditions.append(table.c.id.in_(ids))
            if table.name == "profile":
                conditions.append(table.c.id.in_(profiles))
            if "account_id" in table.c:
                conditions.append(table.c.account_id.in_(ids))
            if "profile_id" in table.c:
                conditions.append(table.c.profile_id.in_(profiles))
            if "email" in table.c and email:
                conditions.append(sa.func.lower(table.c.email) == email)
            if not conditions:
                continue
            count = await session.scalar(
                sa.select(sa.func.count()).select_from(table).where(sa.or_(*conditions))
            )
            if count:
                found[table.name] = int(count)
    return found


async def test_export_holds_the_account_consent_and_every_profile(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    parent = await family(runtime, client, "export@example.com")
    await make_profile(client, parent, "Ama", "3-5")
    await make_profile(client, parent, "Kojo", "9-12")
    response = await client.get("/api/v1/accounts/me/export", headers=parent)
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"
    document = response.json()
    assert document["account"]["email"] == "export@example.com"
    assert "password_hash" not in document["account"]
    assert [c["notice_version"] for c in document["consents"]] == ["2026-11-01"]
    assert sorted(p["nickname"] for p in document["profiles"]) == ["Ama", "Kojo"]


async def test_deleting_the_account_needs_reauthentication(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    parent = await family(runtime, client, "sure@example.com")
    nothing = await client.request("DELETE", "/api/v1/accounts/me", json={}, headers=parent)
    assert nothing.status_code == 403
    assert nothing.json()["code"] == "reauthentication_required"
    wrong = await client.request(
        "DELETE", "/api/v1/accounts/me", json={"password": "not-it-at-all"}, headers=parent
    )
    assert wrong.status_code == 403
    assert wrong.json()["code"] == "reauthentication_failed"
    assert (await client.get("/api/v1/accounts/me", headers=parent)).status_code == 200


async def test_deleting_the_account_removes_every_row_of_the_family(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    parent = await family(runtime, client, "leaving@example.com")
    other = await family(runtime, client, "staying@example.com")
    ama = await make_profile(client, parent, "Ama")
    kojo = await make_profile(client, parent, "Kojo")
    await make_profile(client, other, "Esi")
    await kid_token(client, parent, ama["id"])
    await client.post("/api/v1/auth/password/forgot", json={"email": "leaving@example.com"})
    refresh = (
        await client.post(
            "/api/v1/auth/login", json={"email": "leaving@example.com", "password": PASSWORD}
        )
    ).json()["refresh_token"]
    me = (await client.get("/api/v1/accounts/me", headers=parent)).json()
    before = await _rows_of(runtime, me["id"], [ama["id"], kojo["id"]], "leaving@example.com")
    assert {"account", "profile", "consent", "refresh_token", "email_code"} <= set(before)

    response = await client.request(
        "DELETE", "/api/v1/accounts/me", json={"password": PASSWORD}, headers=parent
    )
    assert response.status_code == 204
    assert await _rows_of(runtime, me["id"], [ama["id"], kojo["id"]], "leaving@example.com") == {}
    assert (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": refresh})
    ).status_code == 401
    login = await client.post(
        "/api/v1/auth/login", json={"email": "leaving@example.com", "password": PASSWORD}
    )
    assert login.status_code == 401
    # The other family is untouched.
    assert [
        p["nickname"] for p in (await client.get("/api/v1/profiles", headers=other)).json()["items"]
    ] == ["Esi"]


async def test_deleting_with_a_fresh_code(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    parent = await family(runtime, client, "code@example.com")
    await client.post("/api/v1/auth/passwordless/start", json={"email": "code@example.com"})
    code = await delivered_code(runtime, smtp_server, "code@example.com")
    response = await client.request(
        "DELETE", "/api/v1/accounts/me", json={"code": code}, headers=parent
    )
    assert response.status_code == 204


async def test_deleting_one_profile_keeps_its_siblings(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    parent = await family(runtime, client, "two@example.com")
    ama = await make_profile(client, parent, "Ama")
    kojo = await make_profile(client, parent, "Kojo")
    assert (await _rows_of(runtime, None, [ama["id"]], None)) == {"profile": 1}
    assert (await client.delete(f"/api/v1/profiles/{ama['id']}", headers=parent)).status_code == 204
    assert await _rows_of(runtime, None, [ama["id"]], None) == {}
    assert [
        p["id"] for p in (await client.get("/api/v1/profiles", headers=parent)).json()["items"]
    ] == [kojo["id"]]
    # An explorer token of the deleted profile reaches nothing.
    kid = await kid_token(client, parent, kojo["id"])
    assert (await client.get(f"/api/v1/profiles/{ama['id']}", headers=kid)).status_code == 404
