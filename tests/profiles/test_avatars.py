"""Avatar parts: the catalogue, choosing parts and colours, server-side SVG, and admin edits."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx
import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.avatars.seed import seed_avatar_parts
from app.profiles.models import Profile
from app.runtime import Runtime
from tests.support.auth import family, kid_token, make_profile, signed_in


@pytest.fixture
async def catalogue(runtime: Runtime, client: httpx.AsyncClient) -> dict[str, list[dict]]:
    async with runtime.db.session() as session:
        await seed_avatar_parts(session)
        await seed_avatar_parts(session)  # idempotent
    response = await client.get("/api/v1/avatars/parts")
    assert response.status_code == 200
    slots: dict[str, list[dict]] = response.json()["slots"]
    return slots


def _part(catalogue: dict[str, list[dict]], slot: str, name: str) -> dict:
    return next(p for p in catalogue[slot] if p["name"] == name)


async def test_catalogue_groups_parts_by_slot_in_drawing_order(catalogue: dict) -> None:
    assert list(catalogue) == ["background", "skin", "outfit", "face", "hair", "accessory"]
    assert all(catalogue[slot] for slot in catalogue)
    names = [p["name"] for slot in catalogue.values() for p in slot]
    assert len(names) == len(set(names)) == 15
    skin = _part(catalogue, "skin", "Round face")
    assert skin["default_colour"] in skin["colours"]


async def test_explorer_dresses_up_and_the_svg_follows(
    runtime: Runtime, client: httpx.AsyncClient, catalogue: dict
) -> None:
    parent = await family(runtime, client, "style@example.com")
    ama = await make_profile(client, parent, "Ama")
    kid = await kid_token(client, parent, ama["id"])
    choice = {
        "parts": {
            "background": _part(catalogue, "background", "Savanna sunset")["id"],
            "skin": _part(catalogue, "skin", "Round face")["id"],
            "hair": _part(catalogue, "hair", "Afro puffs")["id"],
            "face": _part(catalogue, "face", "Big smile")["id"],
        },
        "colours": {"skin": "#8D5524", "hair": "#b03a2e"},
    }
    response = await client.put(f"/api/v1/profiles/{ama['id']}/avatar", json=choice, headers=kid)
    assert response.status_code == 200
    assert response.json()["avatar"]["colours"] == {"skin": "#8d5524", "hair": "#b03a2e"}

    svg = await client.get(f"/api/v1/profiles/{ama['id']}/avatar.svg", headers=kid)
    assert svg.status_code == 200
    assert svg.headers["content-type"] == "image/svg+xml"
    root = ET.fromstring(svg.text)
    layers = [g.get("color") for g in root]
    # background (no colour), skin, face (no colour), hair: back to front
    assert layers == [None, "#8d5524", None, "#b03a2e"]
    etag = svg.headers["etag"]
    again = await client.get(
        f"/api/v1/profiles/{ama['id']}/avatar.svg", headers={**kid, "If-None-Match": etag}
    )
    assert again.status_code == 304
    assert again.headers["etag"] == etag
    assert again.content == b""

    choice["colours"]["hair"] = "#1b1b1b"
    await client.put(f"/api/v1/profiles/{ama['id']}/avatar", json=choice, headers=parent)
    changed = await client.get(
        f"/api/v1/profiles/{ama['id']}/avatar.svg", headers={**parent, "If-None-Match": etag}
    )
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


async def test_empty_avatar_renders(runtime: Runtime, client: httpx.AsyncClient) -> None:
    parent = await family(runtime, client, "plain@example.com")
    ama = await make_profile(client, parent, "Ama")
    svg = await client.get(f"/api/v1/profiles/{ama['id']}/avatar.svg", headers=parent)
    assert svg.status_code == 200
    assert ET.fromstring(svg.text).get("viewBox") == "0 0 200 200"


@pytest.mark.parametrize(
    ("build", "loc", "kind"),
    [
        (
            lambda c: {"parts": {"hair": "00000000-0000-0000-0000-000000000000"}},
            ["parts", "hair"],
            "unknown_part",
        ),
        (
            lambda c: {"parts": {"hair": _part(c, "face", "Wow")["id"]}},
            ["parts", "hair"],
            "wrong_slot",
        ),
        (
            lambda c: {
                "parts": {"hair": _part(c, "hair", "Braids")["id"]},
                "colours": {"hair": "#00ff00"},
            },
            ["colours", "hair"],
            "colour_not_allowed",
        ),
        (
            lambda c: {
                "parts": {"face": _part(c, "face", "Wow")["id"]},
                "colours": {"face": "#1b1b1b"},
            },
            ["colours", "face"],
            "colour_not_allowed",
        ),
        (lambda c: {"colours": {"skin": "#8d5524"}}, ["colours", "skin"], "no_part"),
    ],
    ids=[
        "unknown part",
        "wrong slot",
        "colour not offered",
        "part not colourable",
        "colour without part",
    ],
)
async def test_avatars_that_do_not_fit_the_catalogue_are_422(
    runtime: Runtime, client: httpx.AsyncClient, catalogue: dict, build, loc: list[str], kind: str
) -> None:
    parent = await family(runtime, client, "odd@example.com")
    ama = await make_profile(client, parent, "Ama")
    response = await client.put(
        f"/api/v1/profiles/{ama['id']}/avatar", json=build(catalogue), headers=parent
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["loc"] == ["body", *loc]
    assert error["type"] == kind
    async with runtime.db.session() as session:
        assert await session.scalar(sa.select(Profile.avatar)) == {}


@pytest.mark.parametrize(
    "body",
    [
        {"parts": {"hat": "00000000-0000-0000-0000-000000000000"}},
        {"colours": {"skin": "red"}},
        {"extra": 1},
    ],
)
async def test_malformed_avatars_are_422(
    runtime: Runtime, client: httpx.AsyncClient, body: dict
) -> None:
    parent = await family(runtime, client, "malformed@example.com")
    ama = await make_profile(client, parent, "Ama")
    response = await client.put(f"/api/v1/profiles/{ama['id']}/avatar", json=body, headers=parent)
    assert response.status_code == 422


SAFE_PART = {
    "slot": "accessory",
    "name": "Sun hat",
    "svg": '<circle cx="100" cy="40" r="30" fill="currentColor"/>',
    "colours": ["#FFD23F", "#f57c00"],
    "default_colour": "#ffd23f",
}


async def test_editors_manage_parts(
    runtime: Runtime, client: httpx.AsyncClient, catalogue: dict
) -> None:
    editor = await signed_in(runtime, client, "editor@example.com", Role.editor)
    created = await client.post("/api/v1/admin/avatar-parts", json=SAFE_PART, headers=editor)
    assert created.status_code == 201
    part = created.json()
    assert part["colours"] == ["#ffd23f", "#f57c00"]
    assert _part(
        (await client.get("/api/v1/avatars/parts")).json()["slots"], "accessory", "Sun hat"
    )

    duplicate = await client.post("/api/v1/admin/avatar-parts", json=SAFE_PART, headers=editor)
    assert duplicate.status_code == 409
    renamed = await client.patch(
        f"/api/v1/admin/avatar-parts/{part['id']}", json={"name": "Big sun hat"}, headers=editor
    )
    assert renamed.json()["name"] == "Big sun hat"
    bad_default = await client.patch(
        f"/api/v1/admin/avatar-parts/{part['id']}",
        json={"default_colour": "#000000"},
        headers=editor,
    )
    assert bad_default.status_code == 422

    parent = await family(runtime, client, "wearer@example.com")
    ama = await make_profile(client, parent, "Ama")
    await client.put(
        f"/api/v1/profiles/{ama['id']}/avatar",
        json={"parts": {"accessory": part["id"]}},
        headers=parent,
    )
    in_use = await client.delete(f"/api/v1/admin/avatar-parts/{part['id']}", headers=editor)
    assert in_use.status_code == 409
    assert in_use.json()["code"] == "part_in_use"
    await client.put(f"/api/v1/profiles/{ama['id']}/avatar", json={"parts": {}}, headers=parent)
    assert (
        await client.delete(f"/api/v1/admin/avatar-parts/{part['id']}", headers=editor)
    ).status_code == 204
    assert (
        await client.delete(f"/api/v1/admin/avatar-parts/{part['id']}", headers=editor)
    ).status_code == 404


@pytest.mark.parametrize(
    "svg",
    [
        "<script>alert(1)</script>",
        '<circle cx="1" cy="1" r="1" onload="alert(1)"/>',
        '<a href="https://evil.example"><circle r="5"/></a>',
        '<image href="https://tracker.example/pixel.png"/>',
        '<rect width="10" height="10" fill="url(#x)"/>',
        '<!DOCTYPE svg [<!ENTITY x "boom">]><rect/>',
        "<foreignObject><p>hi</p></foreignObject>",
        '<rect width="10" height="10"',
        "<g>text in a drawing</g>",
    ],
)
async def test_unsafe_svg_is_refused(runtime: Runtime, client: httpx.AsyncClient, svg: str) -> None:
    editor = await signed_in(runtime, client, "editor@example.com", Role.editor)
    response = await client.post(
        "/api/v1/admin/avatar-parts", json={**SAFE_PART, "svg": svg}, headers=editor
    )
    assert response.status_code == 422
    assert (await client.get("/api/v1/avatars/parts")).json()["slots"]["accessory"] == []


async def test_parents_and_explorers_cannot_manage_parts(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    parent = await family(runtime, client, "p@example.com")
    ama = await make_profile(client, parent, "Ama")
    kid = await kid_token(client, parent, ama["id"])
    assert (
        await client.post("/api/v1/admin/avatar-parts", json=SAFE_PART, headers=parent)
    ).status_code == 403
    assert (
        await client.post("/api/v1/admin/avatar-parts", json=SAFE_PART, headers=kid)
    ).status_code == 403
    assert (await client.post("/api/v1/admin/avatar-parts", json=SAFE_PART)).status_code == 401
