"""The starter avatar parts a new install shows: simple original drawings, 200x200."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.avatars.models import AvatarPart
from app.avatars.svg import check_fragment
from app.core.examples import demo_id
from app.core.schema import table_of

SKIN = ["#5c3a21", "#8d5524", "#a86b3c", "#c68642", "#e0ac69", "#f1c27d", "#ffdbac"]
CLOTH = ["#d32f2f", "#1976d2", "#388e3c", "#fbc02d", "#7b1fa2", "#f57c00", "#00897b"]
HAIR = ["#1b1b1b", "#4a2c1a", "#8b5a2b", "#d4a017", "#b03a2e", "#6d6d6d"]

# (slot, name, svg, colours, default colour)
PARTS: list[tuple[str, str, str, list[str], str | None]] = [
    (
        "background",
        "Sunny sky",
        '<rect width="200" height="200" fill="#bfe6ff"/><circle cx="165" cy="35" r="20" fill="#ffd23f"/>',
        [],
        None,
    ),
    (
        "background",
        "Savanna sunset",
        '<rect width="200" height="200" fill="#ffb37a"/><circle cx="100" cy="140" r="45" '
        'fill="#ffe08a"/><rect y="150" width="200" height="50" fill="#c8641e"/>',
        [],
        None,
    ),
    (
        "background",
        "Starry night",
        '<rect width="200" height="200" fill="#1d2a5b"/><circle cx="30" cy="30" r="3" fill="#ffffff"/>'
        '<circle cx="170" cy="50" r="2" fill="#ffffff"/><circle cx="150" cy="20" r="3" fill="#ffe08a"/>',
        [],
        None,
    ),
    (
        "skin",
        "Round face",
        '<ellipse cx="47" cy="108" rx="10" ry="14" fill="currentColor"/>'
        '<ellipse cx="153" cy="108" rx="10" ry="14" fill="currentColor"/>'
        '<circle cx="100" cy="105" r="55" fill="currentColor"/>',
        SKIN,
        "#a86b3c",
    ),
    (
        "outfit",
        "T-shirt",
        '<path d="M40 200 Q45 165 100 160 Q155 165 160 200 Z" fill="currentColor"/>',
        CLOTH,
        "#1976d2",
    ),
    (
        "outfit",
        "Kente top",
        '<path d="M40 200 Q45 165 100 160 Q155 165 160 200 Z" fill="currentColor"/>'
        '<rect x="60" y="172" width="80" height="6" fill="#ffd23f"/>'
        '<rect x="55" y="184" width="90" height="6" fill="#2e7d32"/>'
        '<rect x="52" y="194" width="96" height="6" fill="#ffd23f"/>',
        CLOTH,
        "#d32f2f",
    ),
    (
        "face",
        "Big smile",
        '<circle cx="80" cy="98" r="6" fill="#222222"/><circle cx="120" cy="98" r="6" fill="#222222"/>'
        '<path d="M78 125 Q100 145 122 125" stroke="#222222" stroke-width="5" fill="none" '
        'stroke-linecap="round"/>',
        [],
        None,
    ),
    (
        "face",
        "Wow",
        '<circle cx="80" cy="96" r="7" fill="#222222"/><circle cx="120" cy="96" r="7" fill="#222222"/>'
        '<ellipse cx="100" cy="130" rx="9" ry="11" fill="#7a2e2e"/>',
        [],
        None,
    ),
    (
        "face",
        "Wink",
        '<path d="M72 98 Q80 92 88 98" stroke="#222222" stroke-width="4" fill="none"/>'
        '<circle cx="120" cy="98" r="6" fill="#222222"/>'
        '<path d="M82 127 Q100 140 118 127" stroke="#222222" stroke-width="5" fill="none" '
        'stroke-linecap="round"/>',
        [],
        None,
    ),
    (
        "hair",
        "Afro puffs",
        '<circle cx="52" cy="52" r="26" fill="currentColor"/><circle cx="148" cy="52" r="26" '
        'fill="currentColor"/><path d="M48 95 Q100 25 152 95 Q100 60 48 95 Z" fill="currentColor"/>',
        HAIR,
        "#1b1b1b",
    ),
    (
        "hair",
        "Short curls",
        '<circle cx="70" cy="58" r="16" fill="currentColor"/><circle cx="95" cy="50" r="17" '
        'fill="currentColor"/><circle cx="122" cy="53" r="16" fill="currentColor"/>'
        '<circle cx="142" cy="68" r="13" fill="currentColor"/><circle cx="56" cy="72" r="13" '
        'fill="currentColor"/>',
        HAIR,
        "#4a2c1a",
    ),
    (
        "hair",
        "Braids",
        '<path d="M46 100 Q100 30 154 100 Q100 55 46 100 Z" fill="currentColor"/>'
        '<rect x="40" y="95" width="10" height="70" rx="5" fill="currentColor"/>'
        '<rect x="150" y="95" width="10" height="70" rx="5" fill="currentColor"/>',
        HAIR,
        "#1b1b1b",
    ),
    (
        "accessory",
        "Round glasses",
        '<circle cx="80" cy="98" r="15" stroke="#333333" stroke-width="4" fill="none"/>'
        '<circle cx="120" cy="98" r="15" stroke="#333333" stroke-width="4" fill="none"/>'
        '<line x1="95" y1="98" x2="105" y2="98" stroke="#333333" stroke-width="4"/>',
        [],
        None,
    ),
    (
        "accessory",
        "Headwrap",
        '<path d="M45 80 Q100 20 155 80 Q100 60 45 80 Z" fill="currentColor"/>'
        '<circle cx="150" cy="62" r="14" fill="currentColor"/>',
        CLOTH,
        "#f57c00",
    ),
    (
        "accessory",
        "Star badge",
        '<polygon points="150,150 155,162 168,162 158,170 162,183 150,175 138,183 142,170 132,162 '
        '145,162" fill="#ffd23f"/>',
        [],
        None,
    ),
]


async def seed_avatar_parts(session: AsyncSession) -> None:
    table = table_of(AvatarPart)
    for order, (slot, name, svg, colours, default) in enumerate(PARTS):
        await session.execute(
            insert(table)
            .values(
                id=demo_id("avatar part", f"{slot}:{name}"),
                slot=slot,
                name=name,
                svg=check_fragment(svg),
                colours=colours,
                default_colour=default,
                sort_order=order,
            )
            .on_conflict_do_nothing(index_elements=["slot", "name"])
        )
