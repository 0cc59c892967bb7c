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

# Answers, as the demo gives them.
LIST_AVATAR_PARTS_OUT: dict[str, Any] = {
    "slots": {
        "background": [
            {
                "id": "9508da38-1fcf-5c86-ab1e-690c37416f07",
                "slot": "background",
                "name": "Sunny sky",
                "svg": '<rect width="200" height="200" '
                'fill="#bfe6ff"/><circle cx="165" cy="35" r="20" '
                'fill="#ffd23f"/>',
                "colours": [],
                "default_colour": None,
            },
            {
                "id": "52a1e5a6-097e-5afb-80ac-89acc646e861",
                "slot": "background",
                "name": "Savanna sunset",
                "svg": '<rect width="200" height="200" '
                'fill="#ffb37a"/><circle cx="100" cy="140" r="45" '
                'fill="#ffe08a"/><rect y="150" width="200" height="50" '
                'fill="#c8641e"/>',
                "colours": [],
                "default_colour": None,
            },
        ],
        "skin": [
            {
                "id": "15911a8b-b702-52c3-8bf4-44288bc0e3b5",
                "slot": "skin",
                "name": "Round face",
                "svg": '<ellipse cx="47" cy="108" rx="10" ry="14" '
                'fill="currentColor"/><ellipse cx="153" cy="108" rx="10" '
                'ry="14" fill="currentColor"/><circle cx="100" cy="105" '
                'r="55" fill="currentColor"/>',
                "colours": ["#5c3a21", "#8d5524"],
                "default_colour": "#a86b3c",
            }
        ],
        "outfit": [
            {
                "id": "ee9d5bec-5899-5dca-9578-e7595b96474c",
                "slot": "outfit",
                "name": "T-shirt",
                "svg": '<path d="M40 200 Q45 165 100 160 Q155 165 160 200 Z" fill="currentColor"/>',
                "colours": ["#d32f2f", "#1976d2"],
                "default_colour": "#1976d2",
            },
            {
                "id": "baab5783-badc-5817-9f85-dc1c4cd2c2eb",
                "slot": "outfit",
                "name": "Kente top",
                "svg": '<path d="M40 200 Q45 165 100 160 Q155 165 160 200 Z" '
                'fill="currentColor"/><rect x="60" y="172" width="80" '
                'height="6" fill="#ffd23f"/><rect x="55" y="184" '
                'width="90" height="6" fill="#2e7d32"/><rect x="52" '
                'y="194" width="96" height="6" fill="#ffd23f"/>',
                "colours": ["#d32f2f", "#1976d2"],
                "default_colour": "#d32f2f",
            },
        ],
        "face": [
            {
                "id": "d46e386f-1bff-5189-b10a-02e85f950df2",
                "slot": "face",
                "name": "Big smile",
                "svg": '<circle cx="80" cy="98" r="6" fill="#222222"/><circle '
                'cx="120" cy="98" r="6" fill="#222222"/><path d="M78 125 '
                'Q100 145 122 125" stroke="#222222" stroke-width="5" '
                'fill="none" stroke-linecap="round"/>',
                "colours": [],
                "default_colour": None,
            },
            {
                "id": "8a491e7a-285b-56fc-a092-49db2f0d5b15",
                "slot": "face",
                "name": "Wow",
                "svg": '<circle cx="80" cy="96" r="7" fill="#222222"/><circle '
                'cx="120" cy="96" r="7" fill="#222222"/><ellipse cx="100" '
                'cy="130" rx="9" ry="11" fill="#7a2e2e"/>',
                "colours": [],
                "default_colour": None,
            },
        ],
        "hair": [
            {
                "id": "b52e68d5-118d-5110-ab5d-2d8581f7f8b2",
                "slot": "hair",
                "name": "Afro puffs",
                "svg": '<circle cx="52" cy="52" r="26" fill="currentColor"/><circle '
                'cx="148" cy="52" r="26" fill="currentColor"/><path d="M48 '
                '95 Q100 25 152 95 Q100 60 48 95 Z" fill="currentColor"/>',
                "colours": ["#1b1b1b", "#4a2c1a"],
                "default_colour": "#1b1b1b",
            },
            {
                "id": "e8c02e5e-2c16-5323-823e-7beed496cd97",
                "slot": "hair",
                "name": "Short curls",
                "svg": '<circle cx="70" cy="58" r="16" fill="currentColor"/><circle '
                'cx="95" cy="50" r="17" fill="currentColor"/><circle '
                'cx="122" cy="53" r="16" fill="currentColor"/><circle '
                'cx="142" cy="68" r="13" fill="currentColor"/><circle '
                'cx="56" cy="72" r="13" fill="currentColor"/>',
                "colours": ["#1b1b1b", "#4a2c1a"],
                "default_colour": "#4a2c1a",
            },
        ],
        "accessory": [
            {
                "id": "f9927378-9ca2-5a94-92f5-edc30d7b1249",
                "slot": "accessory",
                "name": "Round glasses",
                "svg": '<circle cx="80" cy="98" r="15" stroke="#333333" '
                'stroke-width="4" fill="none"/><circle cx="120" cy="98" '
                'r="15" stroke="#333333" stroke-width="4" '
                'fill="none"/><line x1="95" y1="98" x2="105" y2="98" '
                'stroke="#333333" stroke-width="4"/>',
                "colours": [],
                "default_colour": None,
            },
            {
                "id": "9d9cda02-9b41-55e4-8286-2c4389e63f83",
                "slot": "accessory",
                "name": "Headwrap",
                "svg": '<path d="M45 80 Q100 20 155 80 Q100 60 45 80 Z" '
                'fill="currentColor"/><circle cx="150" cy="62" r="14" '
                'fill="currentColor"/>',
                "colours": ["#d32f2f", "#1976d2"],
                "default_colour": "#f57c00",
            },
        ],
    }
}
