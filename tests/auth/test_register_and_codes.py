"""Registration, email verification, and the rules of emailed codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa

from app.accounts.models import Account
from app.auth.models import EmailCode
from app.core import hashing
from app.runtime import Runtime
from tests.support.auth import PASSWORD, delivered_code, make_account
from tests.support.smtp import SmtpServer

SENT = {"detail": "If that address can receive email, a message is on its way."}


async def _account(runtime: Runtime, email: str) -> Account | None:
    async with runtime.db.session() as session:
        return (
            await session.execute(sa.select(Account).where(sa.func.lower(Account.email) == email))
        ).scalar_one_or_none()


async def test_register_then_verify_signs_in(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    response = await client.post(
        "/api/v1/auth/register", json={"email": "Ama@Example.com", "password": PASSWORD}
    )
    assert response.status_code == 202
    assert response.json() == SENT
    account = await _account(runtime, "ama@example.com")
    assert account is not None
    assert account.email_verified_at is None
    assert account.password_hash is not None
    assert account.password_hash.startswith("$argon2id$")
    assert PASSWORD not in account.password_hash
    assert hashing.current().pwd.verify(PASSWORD, account.password_hash)

    code = await delivered_code(runtime, smtp_server, "ama@example.com")
    verified = await client.post(
        "/api/v1/auth/email/verify", json={"email": "ama@example.com", "code": code}
    )
    assert verified.status_code == 200
    body = verified.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    me = await client.get(
        "/api/v1/accounts/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.json()["email_verified"] is True
    assert me.json()["has_password"] is True
    login = await client.post(
        "/api/v1/auth/login", json={"email": "ama@example.com", "password": PASSWORD}
    )
    assert login.status_code == 200
    async with runtime.db.session() as session:
        stored = (await session.execute(sa.select(EmailCode.code_hash))).scalars().all()
    assert code not in stored  # only an HMAC of the code is kept


async def test_registering_a_taken_email_answers_the_same_and_warns_the_owner(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    owner = await make_account(runtime, "kofi@example.com")
    response = await client.post(
        "/api/v1/auth/register", json={"email": "kofi@example.com", "password": "another-long-pass"}
    )
    assert response.status_code == 202
    assert response.json() == SENT
    await runtime.worker.run_due()
    [notice] = smtp_server.wait_for("kofi@example.com")
    assert "already have one" in notice.get_content()
    after = await _account(runtime, "kofi@example.com")
    assert after is not None
    assert after.password_hash == owner.password_hash


async def test_registering_again_with_another_password_replaces_nothing(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    # Before: the second password replaced the first and its code confirmed it. Nobody can
    # tell the owner's registration from another's, so a contested one keeps no password.
    await client.post(
        "/api/v1/auth/register", json={"email": "esi@example.com", "password": PASSWORD}
    )
    await delivered_code(runtime, smtp_server, "esi@example.com")
    smtp_server.clear()
    await client.post(
        "/api/v1/auth/register",
        json={"email": "esi@example.com", "password": "second-long-password"},
    )
    second = await delivered_code(runtime, smtp_server, "esi@example.com")
    waiting = await _account(runtime, "esi@example.com")
    assert waiting is not None
    assert hashing.current().pwd.verify(PASSWORD, waiting.password_hash or "")
    ok = await client.post(
        "/api/v1/auth/email/verify", json={"email": "esi@example.com", "code": second}
    )
    assert ok.status_code == 200
    for password in (PASSWORD, "second-long-password"):
        login = await client.post(
            "/api/v1/auth/login", json={"email": "esi@example.com", "password": password}
        )
        assert login.status_code == 401


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("fourteen-chars", "at least 15 characters"),
        ("x" * 129, "at most 128 characters"),
        ("Password12345678", "too common"),
        ("qwertyuiop12345", "too common"),
        ("ghghghghghghghghgh", "repeats"),
        ("Wonderspaced2026!", "name of this app"),
    ],
)
async def test_weak_passwords_are_refused_and_nothing_is_stored(
    runtime: Runtime, client: httpx.AsyncClient, password: str, message: str
) -> None:
    response = await client.post(
        "/api/v1/auth/register", json={"email": "weak@example.com", "password": password}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "password"]
    assert message in response.json()["errors"][0]["msg"]
    assert await _account(runtime, "weak@example.com") is None


async def test_a_code_allows_five_guesses_then_dies(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    await client.post(
        "/api/v1/auth/register", json={"email": "yaw@example.com", "password": PASSWORD}
    )
    code = await delivered_code(runtime, smtp_server, "yaw@example.com")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        response = await client.post(
            "/api/v1/auth/email/verify", json={"email": "yaw@example.com", "code": wrong}
        )
        assert response.status_code == 401
        assert response.json()["code"] == "invalid_code"
    right = await client.post(
        "/api/v1/auth/email/verify", json={"email": "yaw@example.com", "code": code}
    )
    assert right.status_code == 401


async def test_a_code_works_once(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    await client.post(
        "/api/v1/auth/register", json={"email": "abena@example.com", "password": PASSWORD}
    )
    code = await delivered_code(runtime, smtp_server, "abena@example.com")
    body = {"email": "abena@example.com", "code": code}
    assert (await client.post("/api/v1/auth/email/verify", json=body)).status_code == 200
    assert (await client.post("/api/v1/auth/email/verify", json=body)).status_code == 401


async def test_an_expired_code_is_refused(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    await client.post(
        "/api/v1/auth/register", json={"email": "kwame@example.com", "password": PASSWORD}
    )
    code = await delivered_code(runtime, smtp_server, "kwame@example.com")
    async with runtime.db.session() as session:
        await session.execute(
            sa.update(EmailCode).values(
                created_at=datetime.now(UTC) - timedelta(minutes=11),
                expires_at=datetime.now(UTC) - timedelta(minutes=1),
            )
        )
    response = await client.post(
        "/api/v1/auth/email/verify", json={"email": "kwame@example.com", "code": code}
    )
    assert response.status_code == 401


async def test_at_most_five_codes_per_email_per_hour(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    await make_account(runtime, "efua@example.com")
    responses = [
        await client.post("/api/v1/auth/password/forgot", json={"email": "efua@example.com"})
        for _ in range(7)
    ]
    assert {r.status_code for r in responses} == {202}
    assert len({r.text for r in responses}) == 1
    await runtime.worker.run_due()
    assert len(smtp_server.to("efua@example.com")) == 5


async def test_invalid_email_is_a_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/register", json={"email": "not-an-email", "password": PASSWORD}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "email"]
