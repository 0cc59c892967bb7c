"""The demo's badges: about a dozen that fit the demo catalogue, made through the editors'
own path (`service.create_badge`), with stable ids so links to them survive a reseed. Three
unlock avatar parts ("Kente top", "Star badge", "Starry night"), so the demo has parts to
earn. Their pictures are the covers of the themes they belong to."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.rewards import queries, service
from app.rewards.models import Badge
from app.rewards.schemas import BadgeIn

if TYPE_CHECKING:
    from app.runtime import Runtime

NAMESPACE = uuid.UUID("0b7d3f3e-6a52-4c1e-9d0b-2f4e8a7c5b11")


def badge_id(slug: str) -> uuid.UUID:
    """The demo badge's id, the same on every install."""
    return uuid.uuid5(NAMESPACE, slug)


@dataclass(frozen=True)
class DemoBadge:
    slug: str
    title: str
    description: str
    picture_theme: str
    criterion: dict[str, Any]
    unlocks: tuple[tuple[str, str], ...] = ()  # (slot, name) of avatar parts


BADGES = (
    DemoBadge(
        "first-adventure",
        "First adventure",
        "You finished your very first video, story or project!",
        "anansi-tales",
        {"kind": "items_completed", "count": 1},
    ),
    DemoBadge(
        "curious-explorer",
        "Curious explorer",
        "Five adventures finished: videos, stories and things you made.",
        "ghana-culture",
        {"kind": "items_completed", "count": 5},
    ),
    DemoBadge(
        "anansi-friend",
        "Anansi's friend",
        "You watched every episode of Anansi's Adventures.",
        "anansi-tales",
        {"kind": "items_completed", "count": 2, "series": "anansi-adventures"},
    ),
    DemoBadge(
        "kente-weaver",
        "Kente weaver",
        "You wove your own paper kente, like the weavers of Bonwire.",
        "ghana-crafts",
        {"kind": "items_completed", "count": 1, "item": "Paper Kente Weave"},
        unlocks=(("outfit", "Kente top"),),
    ),
    DemoBadge(
        "culture-keeper",
        "Culture keeper",
        "Two videos about the culture of Ghana: kente, adinkra and more.",
        "ghana-culture",
        {"kind": "items_completed", "count": 2, "theme": "ghana-culture"},
    ),
    DemoBadge(
        "folktale-fan",
        "Folktale fan",
        "You read three folktales of Ghana.",
        "ghana-folktales",
        {"kind": "items_completed", "count": 3, "theme": "ghana-folktales"},
    ),
    DemoBadge(
        "story-listener",
        "Story listener",
        "Two eBooks listened to all the way through, read aloud.",
        "ghana-folktales",
        {"kind": "ebooks_read_aloud", "count": 2},
    ),
    DemoBadge(
        "little-maker",
        "Little maker",
        "You made your first DIY project.",
        "ghana-crafts",
        {"kind": "diys_finished", "count": 1},
    ),
    DemoBadge(
        "master-maker",
        "Master maker",
        "Three DIY projects made with your own hands.",
        "ghana-crafts",
        {"kind": "diys_finished", "count": 3},
    ),
    DemoBadge(
        "quiz-explorer",
        "Quiz explorer",
        "You passed your first quiz.",
        "growing-things",
        {"kind": "quizzes_passed", "count": 1},
    ),
    DemoBadge(
        "three-stars",
        "Three stars",
        "A quiz mastered: three stars!",
        "drums-and-dance",
        {"kind": "quizzes_mastered", "count": 1},
        unlocks=(("accessory", "Star badge"),),
    ),
    DemoBadge(
        "five-day-explorer",
        "Five-day explorer",
        "Five learning days in a row (one day off a week is fine).",
        "drums-and-dance",
        {"kind": "streak_days", "days": 5},
        unlocks=(("background", "Starry night"),),
    ),
)

_THEMES = sa.text("SELECT slug, id, cover_asset_id FROM theme")
_SERIES = sa.text("SELECT slug, id FROM series")
_DIYS = sa.text("SELECT title, id FROM diy")
_PARTS = sa.text("SELECT slot, name, id FROM avatar_part")


async def seed_badges(session: AsyncSession, runtime: Runtime) -> list[str] | None:
    """Idempotent: a badge whose id exists is left as an editor may have changed it."""
    themes = {r.slug: r for r in (await session.execute(_THEMES)).all()}
    series = {r.slug: r.id for r in (await session.execute(_SERIES)).all()}
    diys = {r.title: r.id for r in (await session.execute(_DIYS)).all()}
    parts = {(r.slot, r.name): r.id for r in (await session.execute(_PARTS)).all()}
    for order, demo in enumerate(BADGES):
        ident = badge_id(demo.slug)
        if await session.get(Badge, ident) is not None:
            continue
        criterion = dict(demo.criterion)
        # The demo names what counts by slug or title; the badge holds its id.
        if "series" in criterion:
            if criterion["series"] not in series:
                continue  # no demo catalogue
            criterion["of"] = {"series_id": str(series[criterion.pop("series")])}
        if "theme" in criterion:
            if criterion["theme"] not in themes:
                continue
            criterion["of"] = {"theme_id": str(themes[criterion.pop("theme")].id)}
        if "item" in criterion:
            if criterion["item"] not in diys:
                continue
            criterion["of"] = {"item_id": str(diys[criterion.pop("item")])}
        if any(part not in parts for part in demo.unlocks):
            continue
        theme = themes.get(demo.picture_theme)
        if await queries.slug_taken(session, demo.slug, None):
            continue  # an editor's own badge of that name
        await service.create_badge(
            session,
            BadgeIn.model_validate(
                {
                    "slug": demo.slug,
                    "title": demo.title,
                    "description": demo.description,
                    "picture_asset_id": theme.cover_asset_id if theme else None,
                    "criterion": criterion,
                    "unlocks": [parts[part] for part in demo.unlocks],
                    "sort_order": order * 10,
                }
            ),
            ident,
        )
    return None
