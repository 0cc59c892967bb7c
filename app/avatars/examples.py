"""Examples of the avatar parts' operations, naming seeded parts by their stable ids
(app/core/examples.py)."""

from __future__ import annotations

from typing import Any

from app.core.examples import demo_id

SUNNY_SKY = demo_id("avatar part", "background:Sunny sky")
STAR_BADGE = demo_id("avatar part", "accessory:Star badge")
PART_IN: dict[str, Any] = {
    "slot": "accessory",
    "name": "Kente sash",
    "svg": '<rect x="60" y="160" width="80" height="12" rx="4" fill="currentColor"/>',
    "colours": ["#ffd23f", "#2e7d32"],
    "default_colour": "#ffd23f",
    "sort_order": 40,
}
PART_UPDATE: dict[str, Any] = {"sort_order": 0}

PART_OUT: dict[str, Any] = {
    "id": "9508da38-1fcf-5c86-ab1e-690c37416f07",
    "slot": "background",
    "name": "Sunny sky",
    "svg": '<rect width="200" height="200" fill="#bfe6ff"/><circle cx="165" cy="35" r="20" '
    'fill="#ffd23f"/>',
    "colours": [],
    "default_colour": None,
}
