"""Helpers for tests that need signed-in grown-ups."""

from __future__ import annotations

import re

import httpx

from app.accounts import service as accounts_service
from app.accounts.models import Account, Role
from app.runtime import Runtime
from tests.support.smtp import SmtpServer

PASSWORD = "kente-colours-at-dawn"


async def make_account(
    runtime: Runtime,
    email: str = "parent@example.com",
    role: Role = Role.parent,
    password: str | None = PASSWORD,
    verified: bool = True,
) -> Account:
    async with runtime.db.session() as session:
        return await accounts_service.create_account(
            session, email, password, role, verified=verified
        )


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    tokens: dict[str, str] = response.json()
    return tokens


def bearer(tokens: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def signed_in(
    runtime: Runtime, client: httpx.AsyncClient, email: str, role: Role = Role.parent
) -> dict[str, str]:
    """Creates an account and returns the Authorization header of a fresh session."""
    await make_account(runtime, email, role)
    return bearer(await login(client, email))


async def delivered_code(runtime: Runtime, smtp: SmtpServer, email: str) -> str:
    """Delivers pending email and returns the newest 6-digit code sent to `email`."""
    await runtime.worker.run_due()
    messages = smtp.wait_for(email)
    match = re.search(r"\b(\d{6})\b", messages[-1].get_content())
    assert match, messages[-1].get_content()
    return match.group(1)


async def family(
    runtime: Runtime, client: httpx.AsyncClient, email: str, *, consent: bool = True
) -> dict[str, str]:
    """A signed-in parent who has accepted the privacy notice; returns auth headers."""
    headers = await signed_in(runtime, client, email)
    if consent:
        notice = (await client.get("/api/v1/privacy-notice")).json()
        response = await client.post(
            "/api/v1/accounts/me/consent",
            json={"notice_version": notice["version"]},
            headers=headers,
        )
        assert response.status_code == 200, response.text
    return headers


async def make_profile(
    client: httpx.AsyncClient, headers: dict[str, str], nickname: str, age_band: str = "6-8"
) -> dict[str, object]:
    response = await client.post(
        "/api/v1/profiles", json={"nickname": nickname, "age_band": age_band}, headers=headers
    )
    assert response.status_code == 201, response.text
    profile: dict[str, object] = response.json()
    return profile


async def kid_token(
    client: httpx.AsyncClient, headers: dict[str, str], profile_id: object, pin: str | None = None
) -> dict[str, str]:
    body = {"pin": pin} if pin else None
    response = await client.post(
        f"/api/v1/profiles/{profile_id}/session", json=body, headers=headers
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['explorer_token']}"}
