"""A parent's whole sign-in journey over real HTTP: register, confirm the email, sign in,
refresh, a stolen token replayed, sign out."""

from __future__ import annotations

import re

import httpx

from app.api import create_app
from app.runtime import Runtime
from tests.support.live_server import serve
from tests.support.smtp import SmtpServer

EMAIL = "journey@example.com"
PASSWORD = "sankofa-return-and-fetch-it"


async def _code(smtp: SmtpServer, count: int) -> str:
    message = (await smtp.receive(EMAIL, count=count))[-1]
    match = re.search(r"\b(\d{6})\b", message.get_content())
    assert match
    return match.group(1)


async def test_register_verify_login_refresh_reuse_logout(
    live_runtime: Runtime, smtp_server: SmtpServer
) -> None:
    await live_runtime.start()  # background delivery, as in production
    async with (
        serve(create_app(runtime=live_runtime)) as base,
        httpx.AsyncClient(base_url=f"{base}/api/v1") as http,
    ):
        registered = await http.post("/auth/register", json={"email": EMAIL, "password": PASSWORD})
        assert registered.status_code == 202

        verified = await http.post(
            "/auth/email/verify", json={"email": EMAIL, "code": await _code(smtp_server, 1)}
        )
        assert verified.status_code == 200

        login = await http.post("/auth/login", json={"email": EMAIL, "password": PASSWORD})
        assert login.status_code == 200
        session = login.json()
        me = await http.get(
            "/accounts/me", headers={"Authorization": f"Bearer {session['access_token']}"}
        )
        assert me.json()["email"] == EMAIL
        assert me.json()["email_verified"] is True

        refreshed = await http.post(
            "/auth/refresh", json={"refresh_token": session["refresh_token"]}
        )
        assert refreshed.status_code == 200
        current = refreshed.json()

        # The first refresh token, stolen and replayed: refused, and the family is revoked.
        replay = await http.post("/auth/refresh", json={"refresh_token": session["refresh_token"]})
        assert replay.status_code == 401
        assert replay.headers["content-type"] == "application/problem+json"
        dead = await http.post("/auth/refresh", json={"refresh_token": current["refresh_token"]})
        assert dead.status_code == 401

        again = (await http.post("/auth/login", json={"email": EMAIL, "password": PASSWORD})).json()
        out = await http.post("/auth/logout", json={"refresh_token": again["refresh_token"]})
        assert out.status_code == 204
        after = await http.post("/auth/refresh", json={"refresh_token": again["refresh_token"]})
        assert after.status_code == 401
        assert after.headers["x-request-id"]
