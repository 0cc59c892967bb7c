"""Kid mode: explorer tokens reach only their own profile; the parent zone is closed to them;
another family's ids are indistinguishable from ids that do not exist."""

from __future__ import annotations

import uuid

import httpx
import pytest

from app.runtime import Runtime
from tests.support.auth import family, kid_token, make_profile


async def test_explorer_token_is_bound_to_one_profile(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    parent = await family(runtime, client, "home@example.com")
    ama = await make_profile(client, parent, "Ama")
    response = await client.post(f"/api/v1/profiles/{ama['id']}/session", headers=parent)
    assert response.status_code == 200
    body = response.json()
    assert body["profile"]["id"] == ama["id"]
    assert body["expires_in"] == runtime.settings.explorer_token_hours * 3600
    kid = {"Authorization": f"Bearer {body['explorer_token']}"}
    assert (await client.get(f"/api/v1/profiles/{ama['id']}", headers=kid)).json()[
        "nickname"
    ] == "Ama"


async def test_kid_mode_needs_consent(runtime: Runtime, client: httpx.AsyncClient) -> None:
    parent = await family(runtime, client, "consent@example.com")
    ama = await make_profile(client, parent, "Ama")
    async with runtime.db.session() as session:
        from sqlalchemy import delete

        from app.accounts.models import Consent

        await session.execute(delete(Consent))
    response = await client.post(f"/api/v1/profiles/{ama['id']}/session", headers=parent)
    assert response.status_code == 403
    assert response.json()["code"] == "consent_required"


async def test_parent_pin_guards_kid_mode(runtime: Runtime, client: httpx.AsyncClient) -> None:
    parent = await family(runtime, client, "pin@example.com")
    ama = await make_profile(client, parent, "Ama")
    url = f"/api/v1/profiles/{ama['id']}/session"
    assert (
        await client.put("/api/v1/accounts/me/pin", json={"pin": "12a4"}, headers=parent)
    ).status_code == 422
    assert (
        await client.put("/api/v1/accounts/me/pin", json={"pin": "2468"}, headers=parent)
    ).status_code == 204

    missing = await client.post(url, headers=parent)
    assert missing.status_code == 403
    assert missing.json()["code"] == "pin_required"
    wrong = await client.post(url, json={"pin": "1111"}, headers=parent)
    assert wrong.status_code == 403
    assert wrong.json()["code"] == "wrong_pin"
    assert (await client.post(url, json={"pin": "2468"}, headers=parent)).status_code == 200

    change_without_current = await client.put(
        "/api/v1/accounts/me/pin", json={"pin": "1357"}, headers=parent
    )
    assert change_without_current.status_code == 403
    changed = await client.put(
        "/api/v1/accounts/me/pin", json={"pin": "1357", "current_pin": "2468"}, headers=parent
    )
    assert changed.status_code == 204
    assert (await client.post(url, json={"pin": "1357"}, headers=parent)).status_code == 200
    removed = await client.request(
        "DELETE", "/api/v1/accounts/me/pin", json={"current_pin": "1357"}, headers=parent
    )
    assert removed.status_code == 204
    assert (await client.post(url, headers=parent)).status_code == 200


async def test_pin_guesses_are_rate_limited(runtime: Runtime, client: httpx.AsyncClient) -> None:
    parent = await family(runtime, client, "guess@example.com")
    ama = await make_profile(client, parent, "Ama")
    await client.put("/api/v1/accounts/me/pin", json={"pin": "2468"}, headers=parent)
    url = f"/api/v1/profiles/{ama['id']}/session"
    statuses = [
        (await client.post(url, json={"pin": f"{i:04d}"}, headers=parent)).status_code
        for i in range(5)
    ]
    assert statuses == [403] * 5
    refused = await client.post(url, json={"pin": "2468"}, headers=parent)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0


PARENT_ONLY = [
    ("GET", "/api/v1/accounts/me", None),
    ("PATCH", "/api/v1/accounts/me", {"display_name": "Kid"}),
    (
        "POST",
        "/api/v1/accounts/me/password",
        {"current_password": "x" * 15, "new_password": "a-new-phrase-for-the-family"},
    ),
    ("PUT", "/api/v1/accounts/me/pin", {"pin": "0000"}),
    ("GET", "/api/v1/accounts/me/export", None),
    ("DELETE", "/api/v1/accounts/me", {"password": "whatever-it-is"}),
    ("POST", "/api/v1/accounts/me/consent", {"notice_version": "2026-11-01"}),
    ("GET", "/api/v1/profiles", None),
    ("POST", "/api/v1/profiles", {"nickname": "Sneaky", "age_band": "6-8"}),
    ("POST", "/api/v1/auth/logout-all", None),
    ("GET", "/api/v1/admin/accounts", None),
]


@pytest.mark.parametrize(
    ("method", "path", "body"), PARENT_ONLY, ids=[f"{m} {p}" for m, p, _ in PARENT_ONLY]
)
async def test_explorer_tokens_are_refused_in_the_parent_zone(
    runtime: Runtime, client: httpx.AsyncClient, method: str, path: str, body: dict | None
) -> None:
    parent = await family(runtime, client, "zone@example.com")
    ama = await make_profile(client, parent, "Ama")
    kid = await kid_token(client, parent, ama["id"])
    response = await client.request(method, path, json=body, headers=kid)
    assert response.status_code == 403, response.text
    assert response.json()["code"] == "parents_only"


# Every profile-scoped route: (method, path template, body, parent only?)
PROFILE_ROUTES = [
    ("GET", "/api/v1/profiles/{id}", None, False),
    ("PATCH", "/api/v1/profiles/{id}", {"read_aloud": False}, True),
    ("POST", "/api/v1/profiles/{id}/session", None, True),
    ("GET", "/api/v1/profiles/{id}/avatar", None, False),
    ("PUT", "/api/v1/profiles/{id}/avatar", {"parts": {}, "colours": {}}, False),
    ("GET", "/api/v1/profiles/{id}/avatar.svg", None, False),
    ("DELETE", "/api/v1/profiles/{id}", None, True),
]


@pytest.mark.parametrize(
    ("method", "template", "body", "parent_only"),
    PROFILE_ROUTES,
    ids=[f"{m} {t}" for m, t, _, _ in PROFILE_ROUTES],
)
async def test_profile_route_access_matrix(
    runtime: Runtime,
    client: httpx.AsyncClient,
    method: str,
    template: str,
    body: dict | None,
    parent_only: bool,
) -> None:
    owner = await family(runtime, client, "owner@example.com")
    stranger = await family(runtime, client, "stranger@example.com")
    ama = await make_profile(client, owner, "Ama")
    kojo = await make_profile(client, owner, "Kojo")
    ama_kid = await kid_token(client, owner, ama["id"])
    kojo_kid = await kid_token(client, owner, kojo["id"])
    path = template.format(id=ama["id"])

    async def call(headers: dict[str, str] | None) -> httpx.Response:
        return await client.request(method, path, json=body, headers=headers)

    assert (await call(None)).status_code == 401
    stranger_answer = await call(stranger)
    assert stranger_answer.status_code == 404
    missing = await client.request(
        method, template.format(id=uuid.uuid4()), json=body, headers=owner
    )
    assert stranger_answer.json() == {**missing.json(), "detail": stranger_answer.json()["detail"]}
    assert (await call(kojo_kid)).status_code == 404  # a sibling's explorer token
    own_kid = await call(ama_kid)
    if parent_only:
        assert own_kid.status_code == 403
        assert own_kid.json()["code"] == "parents_only"
    else:
        assert own_kid.status_code == 200
    assert (await call(owner)).status_code in (200, 204)
