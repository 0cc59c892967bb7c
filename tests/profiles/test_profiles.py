"""Explorer profiles: the minimum about a child, consent first, limits and validation."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa

from app.profiles.models import Profile
from app.runtime import Runtime
from tests.support.auth import family, make_profile, signed_in


async def _count(runtime: Runtime) -> int:
    async with runtime.db.session() as session:
        return int(await session.scalar(sa.select(sa.func.count()).select_from(Profile)) or 0)


async def test_consent_comes_before_any_profile(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    headers = await signed_in(runtime, client, "mum@example.com")
    refused = await client.post(
        "/api/v1/profiles", json={"nickname": "Kwaku", "age_band": "6-8"}, headers=headers
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "consent_required"
    assert await _count(runtime) == 0

    notice = await client.get("/api/v1/privacy-notice")
    assert notice.status_code == 200
    assert "birth date" in notice.json()["text"]
    outdated = await client.post(
        "/api/v1/accounts/me/consent", json={"notice_version": "2020-01-01"}, headers=headers
    )
    assert outdated.status_code == 409
    assert outdated.json()["code"] == "notice_outdated"
    accepted = await client.post(
        "/api/v1/accounts/me/consent",
        json={"notice_version": notice.json()["version"]},
        headers=headers,
    )
    assert accepted.status_code == 200
    assert accepted.json()["notice_version"] == notice.json()["version"]
    created = await client.post(
        "/api/v1/profiles", json={"nickname": "Kwaku", "age_band": "6-8"}, headers=headers
    )
    assert created.status_code == 201


async def test_create_read_update_list_delete(runtime: Runtime, client: httpx.AsyncClient) -> None:
    headers = await family(runtime, client, "dad@example.com")
    created = await client.post(
        "/api/v1/profiles",
        json={
            "nickname": "  Ama   Star ",
            "age_band": "3-5",
            "language": "tw",
            "narration_speed": 0.75,
        },
        headers=headers,
    )
    assert created.status_code == 201
    profile = created.json()
    assert profile["nickname"] == "Ama Star"
    assert profile["age_band"] == "3-5"
    assert profile["language"] == "tw"
    assert profile["read_aloud"] is True
    assert profile["narration_speed"] == "0.75"
    assert profile["avatar_url"] == f"/api/v1/profiles/{profile['id']}/avatar.svg"

    url = f"/api/v1/profiles/{profile['id']}"
    assert (await client.get(url, headers=headers)).json() == profile
    updated = await client.patch(
        url, json={"age_band": "6-8", "read_aloud": False}, headers=headers
    )
    assert updated.status_code == 200
    assert updated.json()["age_band"] == "6-8"
    assert updated.json()["read_aloud"] is False
    assert updated.json()["nickname"] == "Ama Star"
    listed = await client.get("/api/v1/profiles", headers=headers)
    assert [p["id"] for p in listed.json()["items"]] == [profile["id"]]
    assert listed.json()["next_cursor"] is None
    assert (await client.delete(url, headers=headers)).status_code == 204
    assert (await client.get(url, headers=headers)).status_code == 404
    assert await _count(runtime) == 0


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("birth_date", "2018-04-02", "birth date"),
        ("full_name", "Ama Mensah", "full name"),
        ("email", "ama@example.com", "email address"),
        ("phone", "+233 20 000 0000", "phone number"),
        ("location", "Kumasi", "location"),
    ],
)
async def test_a_childs_personal_data_is_refused_by_name(
    runtime: Runtime, client: httpx.AsyncClient, field: str, value: str, said: str
) -> None:
    headers = await family(runtime, client, "careful@example.com")
    response = await client.post(
        "/api/v1/profiles",
        json={"nickname": "Ama", "age_band": "6-8", field: value},
        headers=headers,
    )
    assert response.status_code == 422
    assert said in response.json()["detail"]
    assert await _count(runtime) == 0
    profile = await make_profile(client, headers, "Esi")
    patched = await client.patch(
        f"/api/v1/profiles/{profile['id']}", json={field: value}, headers=headers
    )
    assert patched.status_code == 422


def test_the_profile_table_has_no_place_for_personal_data() -> None:
    columns = set(Profile.__table__.columns.keys())  # type: ignore[attr-defined]
    assert columns == {
        "id",
        "account_id",
        "nickname",
        "age_band",
        "language",
        "read_aloud",
        "narration_speed",
        "avatar",
        "created_at",
        "updated_at",
    }


@pytest.mark.parametrize(
    "nickname",
    [
        "",
        "   ",
        "x" * 31,
        "visit www.example.com",
        "http://games.example",
        "ama@example.com",
        "coolkid.com",
        "bell\x07here",
    ],
)
async def test_nickname_rules(runtime: Runtime, client: httpx.AsyncClient, nickname: str) -> None:
    headers = await family(runtime, client, "rules@example.com")
    response = await client.post(
        "/api/v1/profiles", json={"nickname": nickname, "age_band": "6-8"}, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "nickname"]


@pytest.mark.parametrize(
    "body", [{"age_band": "13-18"}, {"narration_speed": 3}, {"language": "English"}]
)
async def test_other_bad_fields_are_422(
    runtime: Runtime, client: httpx.AsyncClient, body: dict
) -> None:
    headers = await family(runtime, client, "bad@example.com")
    response = await client.post(
        "/api/v1/profiles", json={"nickname": "Kofi", "age_band": "6-8", **body}, headers=headers
    )
    assert response.status_code == 422


async def test_nicknames_are_unique_within_a_family_only(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    mine = await family(runtime, client, "a@example.com")
    theirs = await family(runtime, client, "b@example.com")
    first = await make_profile(client, mine, "Kojo")
    clash = await client.post(
        "/api/v1/profiles", json={"nickname": "KOJO", "age_band": "9-12"}, headers=mine
    )
    assert clash.status_code == 409
    assert clash.json()["code"] == "nickname_taken"
    await make_profile(client, theirs, "Kojo")
    other = await make_profile(client, mine, "Yaw")
    rename = await client.patch(
        f"/api/v1/profiles/{other['id']}", json={"nickname": "kojo"}, headers=mine
    )
    assert rename.status_code == 409
    assert (await client.get(f"/api/v1/profiles/{first['id']}", headers=mine)).status_code == 200


async def test_at_most_six_explorers_per_family(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    headers = await family(runtime, client, "big@example.com")
    for i in range(6):
        await make_profile(client, headers, f"Explorer {i}")
    seventh = await client.post(
        "/api/v1/profiles", json={"nickname": "Explorer 7", "age_band": "6-8"}, headers=headers
    )
    assert seventh.status_code == 409
    assert seventh.json()["code"] == "profile_limit"
    assert await _count(runtime) == 6
