"""Examples of the profiles' operations."""

from __future__ import annotations

from typing import Any

from app.core.examples import demo_id

PROFILE_IN: dict[str, Any] = {
    "nickname": "Kojo",
    "age_band": "6-8",
    "language": "en",
    "read_aloud": True,
    "narration_speed": 1.0,
}
PROFILE_UPDATE: dict[str, Any] = {"age_band": "6-8", "read_aloud": False}
KID_SESSION: dict[str, Any] = {"pin": "2468"}


def _part(slot: str, name: str) -> str:
    return str(demo_id("avatar part", f"{slot}:{name}"))


# The seeded parts by their stable ids, and a colour from each colourable part's own.
AVATAR_SELECTION: dict[str, Any] = {
    "parts": {
        "background": _part("background", "Sunny sky"),
        "skin": _part("skin", "Round face"),
        "outfit": _part("outfit", "Kente top"),
        "face": _part("face", "Big smile"),
        "hair": _part("hair", "Afro puffs"),
    },
    "colours": {"skin": "#a86b3c", "outfit": "#d32f2f", "hair": "#1b1b1b"},
}

# Answers, as the demo gives them.
LIST_PROFILES_OUT: dict[str, Any] = {
    "items": [
        {
            "id": "15c5d648-a361-4aee-88ab-d725f3ddec0a",
            "nickname": "Ama",
            "age_band": "6-8",
            "language": "en",
            "read_aloud": True,
            "narration_speed": "1.00",
            "avatar": {"parts": {}, "colours": {}},
            "avatar_url": "/api/v1/profiles/15c5d648-a361-4aee-88ab-d725f3ddec0a/avatar.svg",
            "created_at": "2026-12-08T01:08:45.151423Z",
        },
        {
            "id": "e3a37ef1-aa10-43d8-9e17-278005013dcb",
            "nickname": "Kofi",
            "age_band": "6-8",
            "language": "en",
            "read_aloud": True,
            "narration_speed": "1.00",
            "avatar": {"parts": {}, "colours": {}},
            "avatar_url": "/api/v1/profiles/e3a37ef1-aa10-43d8-9e17-278005013dcb/avatar.svg",
            "created_at": "2026-12-08T01:08:45.151423Z",
        },
    ],
    "next_cursor": None,
}
CREATE_PROFILE_OUT: dict[str, Any] = {
    "id": "4ff205bb-1edc-49c2-9647-24ef6ad8c33a",
    "nickname": "Kojo",
    "age_band": "6-8",
    "language": "en",
    "read_aloud": True,
    "narration_speed": "1.00",
    "avatar": {"parts": {}, "colours": {}},
    "avatar_url": "/api/v1/profiles/4ff205bb-1edc-49c2-9647-24ef6ad8c33a/avatar.svg",
    "created_at": "2026-12-08T01:08:45.151423Z",
}
GET_PROFILE_OUT: dict[str, Any] = {
    "id": "15c5d648-a361-4aee-88ab-d725f3ddec0a",
    "nickname": "Ama",
    "age_band": "6-8",
    "language": "en",
    "read_aloud": True,
    "narration_speed": "1.00",
    "avatar": {"parts": {}, "colours": {}},
    "avatar_url": "/api/v1/profiles/15c5d648-a361-4aee-88ab-d725f3ddec0a/avatar.svg",
    "created_at": "2026-12-08T01:08:45.151423Z",
}
UPDATE_PROFILE_OUT: dict[str, Any] = {
    "id": "15c5d648-a361-4aee-88ab-d725f3ddec0a",
    "nickname": "Ama",
    "age_band": "6-8",
    "language": "en",
    "read_aloud": False,
    "narration_speed": "1.00",
    "avatar": {"parts": {}, "colours": {}},
    "avatar_url": "/api/v1/profiles/15c5d648-a361-4aee-88ab-d725f3ddec0a/avatar.svg",
    "created_at": "2026-12-08T01:08:45.151423Z",
}
START_KID_MODE_OUT: dict[str, Any] = {
    "explorer_token": "eyJhbGciOiJIUzI1NiIsImtpZCI6ImRlcml2...signature",
    "token_type": "bearer",
    "expires_in": 43200,
    "profile": {
        "id": "15c5d648-a361-4aee-88ab-d725f3ddec0a",
        "nickname": "Ama",
        "age_band": "6-8",
        "language": "en",
        "read_aloud": True,
        "narration_speed": "1.00",
        "avatar": {"parts": {}, "colours": {}},
        "avatar_url": "/api/v1/profiles/15c5d648-a361-4aee-88ab-d725f3ddec0a/avatar.svg",
        "created_at": "2026-12-08T01:08:45.151423Z",
    },
}
GET_AVATAR_OUT: dict[str, Any] = {"parts": {}, "colours": {}}
SET_AVATAR_OUT: dict[str, Any] = {
    "id": "15c5d648-a361-4aee-88ab-d725f3ddec0a",
    "nickname": "Ama",
    "age_band": "6-8",
    "language": "en",
    "read_aloud": True,
    "narration_speed": "1.00",
    "avatar": {
        "parts": {
            "face": "d46e386f-1bff-5189-b10a-02e85f950df2",
            "hair": "b52e68d5-118d-5110-ab5d-2d8581f7f8b2",
            "skin": "15911a8b-b702-52c3-8bf4-44288bc0e3b5",
            "outfit": "baab5783-badc-5817-9f85-dc1c4cd2c2eb",
            "background": "9508da38-1fcf-5c86-ab1e-690c37416f07",
        },
        "colours": {"hair": "#1b1b1b", "skin": "#a86b3c", "outfit": "#d32f2f"},
    },
    "avatar_url": "/api/v1/profiles/15c5d648-a361-4aee-88ab-d725f3ddec0a/avatar.svg",
    "created_at": "2026-12-08T01:08:45.151423Z",
}
GET_AVATAR_SVG_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200"><rect width="200" heig'
    'ht="200" fill="#bfe6ff"/><circle cx="100" cy="100" r="60" fill="#a86b3c"/></svg>'
)
