"""Refresh-token families: rotation, reuse detection, concurrency, lifetimes, logout, and
password changes ending every session."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import sqlalchemy as sa

from app.accounts.models import Account
from app.auth import sessions
from app.auth.models import RefreshToken
from app.runtime import Runtime
from tests.support.auth import PASSWORD, bearer, delivered_code, login, make_account
from tests.support.smtp import SmtpServer

NEW_PASSWORD = "baobab-under-the-moon"


async def _refresh(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post("/api/v1/auth/refresh", json={"refresh_token": token})


async def test_refresh_rotates_and_the_old_token_stops_working(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    await make_account(runtime, "rot@example.com")
    first = await login(client, "rot@example.com")
    second = await _refresh(client, first["refresh_token"])
    assert second.status_code == 200
    pair = second.json()
    assert pair["refresh_token"] != first["refresh_token"]
    assert (await client.get("/api/v1/accounts/me", headers=bearer(pair))).status_code == 200
    third = await _refresh(client, pair["refresh_token"])
    assert third.status_code == 200
    async with runtime.db.session() as session:
        stored = (await session.execute(sa.select(RefreshToken.token_hash))).scalars().all()
    assert first["refresh_token"] not in stored
    assert sessions.hash_token(first["refresh_token"]) in stored


async def test_reusing_a_rotated_token_revokes_the_whole_family(
    live_runtime: Runtime, live_client: httpx.AsyncClient
) -> None:
    # Live: the revocation commits on its own while the refresh request fails and rolls back.
    runtime, client = live_runtime, live_client
    account = await make_account(runtime, "thief@example.com")
    stolen = await login(client, "thief@example.com")
    other_device = await login(client, "thief@example.com")
    legit = (await _refresh(client, stolen["refresh_token"])).json()

    replay = await _refresh(client, stolen["refresh_token"])
    assert replay.status_code == 401
    assert replay.json()["code"] == "invalid_refresh_token"
    # The legitimate successor dies with its family; the other device's family lives.
    assert (await _refresh(client, legit["refresh_token"])).status_code == 401
    assert (await _refresh(client, other_device["refresh_token"])).status_code == 200
    async with runtime.db.session() as session:
        assert await sessions.live_families(session, account.id) == 1


async def test_concurrent_refreshes_leave_at_most_one_live_family(
    live_runtime: Runtime, live_client: httpx.AsyncClient
) -> None:
    account = await make_account(live_runtime, "race@example.com")
    tokens = await login(live_client, "race@example.com")
    results = await asyncio.gather(
        *[_refresh(live_client, tokens["refresh_token"]) for _ in range(5)]
    )
    assert sum(r.status_code == 200 for r in results) <= 1
    assert all(r.status_code in (200, 401) for r in results)
    async with live_runtime.db.session() as session:
        assert await sessions.live_families(session, account.id) <= 1


async def test_idle_and_absolute_lifetimes(runtime: Runtime, client: httpx.AsyncClient) -> None:
    await make_account(runtime, "idle@example.com")
    idle = await login(client, "idle@example.com")
    async with runtime.db.session() as session:
        await session.execute(
            sa.update(RefreshToken)
            .where(RefreshToken.token_hash == sessions.hash_token(idle["refresh_token"]))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert (await _refresh(client, idle["refresh_token"])).status_code == 401

    old = await login(client, "idle@example.com")
    soon = datetime.now(UTC) + timedelta(minutes=1)
    async with runtime.db.session() as session:
        await session.execute(
            sa.update(RefreshToken)
            .where(RefreshToken.token_hash == sessions.hash_token(old["refresh_token"]))
            .values(family_expires_at=soon)
        )
    renewed = await _refresh(client, old["refresh_token"])
    async with runtime.db.session() as session:
        successor = await session.scalar(
            sa.select(RefreshToken.expires_at).where(
                RefreshToken.token_hash == sessions.hash_token(renewed.json()["refresh_token"])
            )
        )
    assert successor is not None
    assert successor <= soon  # a family never outlives its absolute lifetime


async def test_logout_revokes_this_device_only(runtime: Runtime, client: httpx.AsyncClient) -> None:
    await make_account(runtime, "out@example.com")
    phone = await login(client, "out@example.com")
    tablet = await login(client, "out@example.com")
    response = await client.post(
        "/api/v1/auth/logout", json={"refresh_token": phone["refresh_token"]}
    )
    assert response.status_code == 204
    assert (await _refresh(client, phone["refresh_token"])).status_code == 401
    assert (await _refresh(client, tablet["refresh_token"])).status_code == 200
    again = await client.post("/api/v1/auth/logout", json={"refresh_token": phone["refresh_token"]})
    assert again.status_code == 204


async def test_logout_all_revokes_every_device(runtime: Runtime, client: httpx.AsyncClient) -> None:
    await make_account(runtime, "all@example.com")
    phone = await login(client, "all@example.com")
    tablet = await login(client, "all@example.com")
    assert (await client.post("/api/v1/auth/logout-all", headers=bearer(phone))).status_code == 204
    assert (await _refresh(client, phone["refresh_token"])).status_code == 401
    assert (await _refresh(client, tablet["refresh_token"])).status_code == 401
    assert (await client.post("/api/v1/auth/logout-all")).status_code == 401


async def test_password_change_revokes_every_other_session(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    await make_account(runtime, "change@example.com")
    phone = await login(client, "change@example.com")
    tablet = await login(client, "change@example.com")
    wrong = await client.post(
        "/api/v1/accounts/me/password",
        json={"current_password": "not-my-password", "new_password": NEW_PASSWORD},
        headers=bearer(phone),
    )
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "wrong_password"
    changed = await client.post(
        "/api/v1/accounts/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(phone),
    )
    assert changed.status_code == 200
    assert (await _refresh(client, phone["refresh_token"])).status_code == 401
    assert (await _refresh(client, tablet["refresh_token"])).status_code == 401
    assert (await _refresh(client, changed.json()["refresh_token"])).status_code == 200
    old = await client.post(
        "/api/v1/auth/login", json={"email": "change@example.com", "password": PASSWORD}
    )
    assert old.status_code == 401
    await login(client, "change@example.com", NEW_PASSWORD)
    await runtime.worker.run_due()
    assert "was changed" in smtp_server.wait_for("change@example.com")[-1]["Subject"]


async def test_password_reset_sets_the_password_and_revokes_every_session(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    await make_account(runtime, "forgot@example.com")
    session_before = await login(client, "forgot@example.com")
    unknown = await client.post("/api/v1/auth/password/forgot", json={"email": "ghost@example.com"})
    known = await client.post("/api/v1/auth/password/forgot", json={"email": "forgot@example.com"})
    assert unknown.status_code == known.status_code == 202
    assert unknown.json() == known.json()
    code = await delivered_code(runtime, smtp_server, "forgot@example.com")
    assert smtp_server.to("ghost@example.com") == []

    weak = await client.post(
        "/api/v1/auth/password/reset",
        json={"email": "forgot@example.com", "code": code, "new_password": "short"},
    )
    assert weak.status_code == 422
    reset = await client.post(
        "/api/v1/auth/password/reset",
        json={"email": "forgot@example.com", "code": code, "new_password": NEW_PASSWORD},
    )
    assert reset.status_code == 204
    assert (await _refresh(client, session_before["refresh_token"])).status_code == 401
    await login(client, "forgot@example.com", NEW_PASSWORD)


async def test_disabled_account_cannot_refresh(runtime: Runtime, client: httpx.AsyncClient) -> None:
    account = await make_account(runtime, "off@example.com")
    tokens = await login(client, "off@example.com")
    async with runtime.db.session() as session:
        await session.execute(
            sa.update(Account).where(Account.id == account.id).values(disabled_at=sa.func.now())
        )
    response = await _refresh(client, tokens["refresh_token"])
    assert response.status_code == 403
    assert response.json()["code"] == "account_disabled"
