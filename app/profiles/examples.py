"""Examples of the profiles' operations."""

from __future__ import annotations

from typing import Any

from app.core.examples import demo_id

PROFILE_IN: dict[str, Any] = {
    "nickname": "Ama",
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
