"""Revocation is immediate: every way of ending sessions ends the access and explorer tokens
issued before, on the next request, on public reads too, and on every instance."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import jwt
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from app.accounts.models import Account, Role
from app.auth import revocation
from app.auth.tokens import clock_us
from app.bootstrap import build_runtime
from app.core.config import Settings
from app.core.db import Database
from app.integrations.google_tokens import GoogleTokenVerifier
from app.runtime import Runtime
from tests.support.app import app_with, client_for
from tests.support.auth import (
    PASSWORD,
    bearer,
    delivered_code,
    family,
    kid_token,
    login,
    make_account,
    make_profile,
    signed_in,
)
from tests.support.google_keys import CertsServer
from tests.support.smtp import SmtpServer

NEW_PASSWORD = "baobab-under-the-moon"


async def _me(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    return (await client.get("/api/v1/accounts/me", headers=headers)).status_code


async def _public(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    # A hot public read: its token is checked before routing.
    return (await client.get("/api/v1/videos", headers=headers)).status_code


async def test_logout_all_ends_access_tokens_at_once_in_the_same_second(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    await make_account(runtime, "everywhere@example.com")
    phone = await login(client, "everywhere@example.com")
    tablet = await login(client, "everywhere@example.com")
    assert await _me(client, bearer(tablet)) == 200
    assert await _public(client, bearer(tablet)) == 200

    assert (await client.post("/api/v1/auth/logout-all", headers=bearer(phone))).status_code == 204
    for tokens in (phone, tablet):
        response = await client.get("/api/v1/accounts/me", headers=bearer(tokens))
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_token"
        assert await _public(client, bearer(tokens)) == 401
    assert await _public(client, {}) == 200  # anonymous reads are untouched

    # Signing in again right away (very likely the same second as the revocation) works.
    again = await login(client, "everywhere@example.com")
    assert await _me(client, bearer(again)) == 200
    async with runtime.db.session() as session:
        stored = await session.scalar(
            sa.select(Account.tokens_not_before).where(Account.email == "everywhere@example.com")
        )
    assert stored is not None


async def test_a_token_issued_in_the_second_of_a_revocation_is_refused(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    account = await make_account(runtime, "tick@example.com")
    tokens = await login(client, "tick@example.com")
    iat = jwt.decode(tokens["access_token"], options={"verify_signature": False})["iat"]
    # The revocation lands in the very second the token was issued (iat has whole seconds).
    async with runtime.db.session() as session:
        await revocation.end_tokens(session, account.id, iat * 1_000_000 + 999_999)
    assert await _me(client, bearer(tokens)) == 401


async def test_a_demoted_admin_cannot_use_the_old_token(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    boss = await signed_in(runtime, client, "boss@example.com", Role.admin)
    other = await make_account(runtime, "other-admin@example.com", Role.admin)
    other_tokens = await login(client, "other-admin@example.com")
    assert (
        await client.get("/api/v1/admin/accounts", headers=bearer(other_tokens))
    ).status_code == 200

    demoted = await client.patch(
        f"/api/v1/admin/accounts/{other.id}", json={"role": "parent"}, headers=boss
    )
    assert demoted.status_code == 200
    # Before, the old token still said "admin" for 15 minutes and could promote itself back.
    promote_back = await client.patch(
        f"/api/v1/admin/accounts/{other.id}", json={"role": "admin"}, headers=bearer(other_tokens)
    )
    assert promote_back.status_code == 401
    async with runtime.db.session() as session:
        role = await session.scalar(sa.select(Account.role).where(Account.id == other.id))
    assert role == "parent"


async def test_a_disabled_account_token_stops_working(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    boss = await signed_in(runtime, client, "boss@example.com", Role.admin)
    account = await make_account(runtime, "naughty@example.com")
    tokens = await login(client, "naughty@example.com")
    await client.patch(
        f"/api/v1/admin/accounts/{account.id}", json={"disabled": True}, headers=boss
    )
    assert await _me(client, bearer(tokens)) == 401
    # Enabling the account again does not bring the old token back.
    await client.patch(
        f"/api/v1/admin/accounts/{account.id}", json={"disabled": False}, headers=boss
    )
    assert await _me(client, bearer(tokens)) == 401


async def test_a_deleted_account_token_is_401_not_404(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    parent = await family(runtime, client, "leaving@example.com")
    ama = await make_profile(client, parent, "Ama")
    kid = await kid_token(client, parent, ama["id"])
    deleted = await client.request(
        "DELETE", "/api/v1/accounts/me", json={"password": PASSWORD}, headers=parent
    )
    assert deleted.status_code == 204
    response = await client.get("/api/v1/accounts/me", headers=parent)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"
    assert (await client.get(f"/api/v1/profiles/{ama['id']}", headers=kid)).status_code == 401
    assert await _public(client, kid) == 401


async def test_password_change_ends_other_tokens_and_keeps_the_new_pair(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    await make_account(runtime, "newpass@example.com")
    phone = await login(client, "newpass@example.com")
    tablet = await login(client, "newpass@example.com")
    changed = await client.post(
        "/api/v1/accounts/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(phone),
    )
    assert changed.status_code == 200
    assert await _me(client, bearer(phone)) == 401
    assert await _me(client, bearer(tablet)) == 401
    assert await _me(client, bearer(changed.json())) == 200  # issued right after: works


async def test_password_reset_ends_access_tokens(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    await make_account(runtime, "reset@example.com")
    tokens = await login(client, "reset@example.com")
    await client.post("/api/v1/auth/password/forgot", json={"email": "reset@example.com"})
    code = await delivered_code(runtime, smtp_server, "reset@example.com")
    reset = await client.post(
        "/api/v1/auth/password/reset",
        json={"email": "reset@example.com", "code": code, "new_password": NEW_PASSWORD},
    )
    assert reset.status_code == 204
    assert await _me(client, bearer(tokens)) == 401


async def test_a_pin_change_ends_explorer_tokens_only(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    parent = await family(runtime, client, "pinned@example.com")
    ama = await make_profile(client, parent, "Ama")
    before_pin = await kid_token(client, parent, ama["id"])
    assert (
        await client.get(f"/api/v1/profiles/{ama['id']}", headers=before_pin)
    ).status_code == 200

    set_pin = await client.put("/api/v1/accounts/me/pin", json={"pin": "2468"}, headers=parent)
    assert set_pin.status_code == 204
    assert (
        await client.get(f"/api/v1/profiles/{ama['id']}", headers=before_pin)
    ).status_code == 401
    assert await _public(client, before_pin) == 401
    assert await _me(client, parent) == 200  # the parent's own session goes on

    under_pin = await kid_token(client, parent, ama["id"], pin="2468")
    assert (await client.get(f"/api/v1/profiles/{ama['id']}", headers=under_pin)).status_code == 200
    changed = await client.put(
        "/api/v1/accounts/me/pin", json={"pin": "1357", "current_pin": "2468"}, headers=parent
    )
    assert changed.status_code == 204
    assert (await client.get(f"/api/v1/profiles/{ama['id']}", headers=under_pin)).status_code == 401


async def test_a_deleted_profile_token_stops_working_everywhere(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    parent = await family(runtime, client, "siblings@example.com")
    ama = await make_profile(client, parent, "Ama")
    kofi = await make_profile(client, parent, "Kofi")
    ama_kid = await kid_token(client, parent, ama["id"])
    kofi_kid = await kid_token(client, parent, kofi["id"])
    explore = f"/api/v1/tabs/explore?profile_id={ama['id']}"
    assert (await client.get(explore, headers=ama_kid)).status_code == 200

    deleted = await client.delete(f"/api/v1/profiles/{ama['id']}", headers=parent)
    assert deleted.status_code == 204
    for url in (explore, "/api/v1/tabs/explore", "/api/v1/videos", "/api/v1/profiles"):
        response = await client.get(url, headers=ama_kid)
        assert response.status_code == 401, url
    # A sibling's kid mode goes on.
    kofi_screen = await client.get(
        f"/api/v1/tabs/explore?profile_id={kofi['id']}", headers=kofi_kid
    )
    assert kofi_screen.status_code == 200


async def test_the_cache_answers_and_a_miss_reads_the_database(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    account = await make_account(runtime, "cached@example.com")
    tokens = await login(client, "cached@example.com")
    assert await _public(client, bearer(tokens)) == 200  # the account's copy is now cached
    # Behind the cache's back: only a database read would notice this.
    async with runtime.db.session() as session:
        await session.execute(
            sa.update(Account)
            .where(Account.id == account.id)
            .values(tokens_not_before=sa.func.now() + sa.text("interval '1 minute'"))
        )
    assert await _public(client, bearer(tokens)) == 200  # answered from the cache, no DB read
    await runtime.cache.delete(f"nbf:a:{account.id}")
    assert await _public(client, bearer(tokens)) == 401  # a miss reads the database once


@pytest.fixture
async def second_instance(
    redis_url: str,
    settings: Settings,
    engine: AsyncEngine,
    google_certs: CertsServer,
    live_runtime: Runtime,
) -> AsyncIterator[httpx.AsyncClient]:
    """Another instance of the service: its own app, runtime, pool and cache client, on the
    same database and Redis as `live_client`."""
    runtime = build_runtime(
        settings, db=Database(engine), google_tokens=GoogleTokenVerifier(google_certs.url)
    )
    async with client_for(app_with(settings), runtime) as client:
        yield client
    await runtime.google_tokens.aclose()


async def test_revocation_reaches_every_instance(
    live_runtime: Runtime, live_client: httpx.AsyncClient, second_instance: httpx.AsyncClient
) -> None:
    await make_account(live_runtime, "fleet@example.com")
    tokens = await login(live_client, "fleet@example.com")
    # The other instance has checked this token, so it holds the account's "not before".
    assert await _me(second_instance, bearer(tokens)) == 200
    assert await _public(second_instance, bearer(tokens)) == 200

    out = await live_client.post("/api/v1/auth/logout-all", headers=bearer(tokens))
    assert out.status_code == 204
    assert await _me(second_instance, bearer(tokens)) == 401
    assert await _public(second_instance, bearer(tokens)) == 401
    fresh = await login(second_instance, "fleet@example.com")
    assert await _me(live_client, bearer(fresh)) == 200


async def test_a_rolled_back_revocation_changes_nothing(
    live_runtime: Runtime, live_client: httpx.AsyncClient
) -> None:
    account = await make_account(live_runtime, "undo@example.com")
    tokens = await login(live_client, "undo@example.com")

    async def revoke_then_fail() -> None:
        async with live_runtime.db.session() as session:
            await revocation.end_tokens(session, account.id, clock_us() + 60_000_000)
            raise RuntimeError("the request failed after revoking")

    with pytest.raises(RuntimeError):
        await revoke_then_fail()
    assert await _me(live_client, bearer(tokens)) == 200


async def test_an_unknown_account_token_is_refused(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    token = runtime.tokens.issue(str(uuid.uuid4()), "access", role=Role.admin)
    assert await _me(client, {"Authorization": f"Bearer {token}"}) == 401
