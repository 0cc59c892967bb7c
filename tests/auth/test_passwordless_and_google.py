"""Passwordless email codes, and Google sign-in with test-signed ID tokens served from a local
certificate endpoint."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa

from app.accounts.models import Account
from app.runtime import Runtime
from tests.support.auth import bearer, delivered_code, make_account
from tests.support.google_keys import GoogleSigner
from tests.support.smtp import SmtpServer

CLIENT_ID = "1234-wonderspaced.apps.googleusercontent.com"


async def test_passwordless_creates_a_verified_account_on_first_use(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    start = await client.post("/api/v1/auth/passwordless/start", json={"email": "New@Example.com"})
    assert start.status_code == 202
    code = await delivered_code(runtime, smtp_server, "new@example.com")
    response = await client.post(
        "/api/v1/auth/passwordless/verify", json={"email": "new@example.com", "code": code}
    )
    assert response.status_code == 200
    me = (await client.get("/api/v1/accounts/me", headers=bearer(response.json()))).json()
    assert me["email"] == "new@example.com"
    assert me["email_verified"] is True
    assert me["has_password"] is False
    assert me["role"] == "parent"


async def test_passwordless_signs_an_existing_account_in(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    account = await make_account(runtime, "old@example.com")
    await client.post("/api/v1/auth/passwordless/start", json={"email": "old@example.com"})
    code = await delivered_code(runtime, smtp_server, "old@example.com")
    response = await client.post(
        "/api/v1/auth/passwordless/verify", json={"email": "old@example.com", "code": code}
    )
    me = (await client.get("/api/v1/accounts/me", headers=bearer(response.json()))).json()
    assert me["id"] == str(account.id)
    async with runtime.db.session() as session:
        count = await session.scalar(sa.select(sa.func.count()).select_from(Account))
    assert count == 1


async def test_passwordless_wrong_code(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/passwordless/verify", json={"email": "x@example.com", "code": "000000"}
    )
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_code"
    malformed = await client.post(
        "/api/v1/auth/passwordless/verify", json={"email": "x@example.com", "code": "12ab56"}
    )
    assert malformed.status_code == 422


@pytest.fixture
def google_enabled(runtime: Runtime) -> Iterator[None]:
    original = runtime.settings
    runtime.settings = original.model_copy(update={"google_client_ids": [CLIENT_ID]})
    yield
    runtime.settings = original


def _google_token(signer: GoogleSigner, **claims: object) -> str:
    values: dict[str, object] = {
        "aud": CLIENT_ID,
        "sub": "google-sub-1",
        "email": "kojo@gmail.com",
        "email_verified": True,
    }
    values.update(claims)
    return signer.token(**values)


async def _google(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post("/api/v1/auth/google", json={"id_token": token})


@pytest.mark.usefixtures("google_enabled")
async def test_google_creates_an_account_keyed_by_sub(
    runtime: Runtime, client: httpx.AsyncClient, google_signer: GoogleSigner
) -> None:
    first = await _google(client, _google_token(google_signer))
    assert first.status_code == 200
    me = (await client.get("/api/v1/accounts/me", headers=bearer(first.json()))).json()
    assert me["google_linked"] is True
    assert me["email_verified"] is True
    # Same Google account, new email at Google: still the same Wonderspaced account.
    again = await _google(client, _google_token(google_signer, email="kojo.new@gmail.com"))
    me_again = (await client.get("/api/v1/accounts/me", headers=bearer(again.json()))).json()
    assert me_again["id"] == me["id"]


@pytest.mark.usefixtures("google_enabled")
async def test_google_links_a_password_account_only_when_the_email_is_verified(
    runtime: Runtime, client: httpx.AsyncClient, google_signer: GoogleSigner
) -> None:
    account = await make_account(runtime, "kojo@gmail.com")
    unverified = await _google(client, _google_token(google_signer, email_verified=False))
    assert unverified.status_code == 403
    assert unverified.json()["code"] == "google_email_unverified"
    async with runtime.db.session() as session:
        assert (
            await session.scalar(sa.select(Account.google_sub).where(Account.id == account.id))
            is None
        )

    verified = await _google(client, _google_token(google_signer))
    assert verified.status_code == 200
    me = (await client.get("/api/v1/accounts/me", headers=bearer(verified.json()))).json()
    assert me["id"] == str(account.id)
    assert me["google_linked"] is True
    assert me["has_password"] is True


@pytest.mark.usefixtures("google_enabled")
@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "someone-elses-client.apps.googleusercontent.com"},
        {"iss": "https://accounts.evil.example"},
        {"exp": int(time.time()) - 60, "iat": int(time.time()) - 3600},
        {"sub": None},
    ],
    ids=["audience", "issuer", "expired", "no subject"],
)
async def test_google_rejects_bad_tokens(
    runtime: Runtime, client: httpx.AsyncClient, google_signer: GoogleSigner, claims: dict
) -> None:
    response = await _google(client, _google_token(google_signer, **claims))
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_google_token"
    async with runtime.db.session() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(Account)) == 0


@pytest.mark.usefixtures("google_enabled")
async def test_google_rejects_a_token_signed_by_another_key(client: httpx.AsyncClient) -> None:
    response = await _google(client, _google_token(GoogleSigner(kid="not-google")))
    assert response.status_code == 401


async def test_google_sign_in_is_off_without_client_ids(
    client: httpx.AsyncClient, google_signer: GoogleSigner
) -> None:
    response = await _google(client, _google_token(google_signer))
    assert response.status_code == 403
    assert response.json()["code"] == "google_disabled"
