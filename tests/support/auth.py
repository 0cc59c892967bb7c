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
