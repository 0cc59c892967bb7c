"""The explorer's library, built from progress, saved items and the catalogue: sections as
paged lists, "My adventures" in one round trip, and the explorer's own tab."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
from pydantic_core import to_json

from app.avatars.schemas import AvatarSelection
from app.catalog import lookups
from app.catalog import service as catalog_service
from app.classrooms.schemas import DueSoon
from app.core.config import Settings
from app.core.pagination import cursor_values, page_cursor, parse_datetime
from app.library import queries
from app.library.schemas import (
    ExplorerOut,
    LibraryPage,
    LibraryStats,
    MyExplorer,
    Section,
    StreakOut,
)
from app.profiles.models import Profile
from app.progress import queries as progress_queries
from app.progress import service as progress_service
from app.progress.schemas import ProgressOut
from app.quizzes import service as quizzes_service
from app.rewards import service as rewards_service

SCREEN_ROW = 10
# The library's quiz figures count every quiz ever taken.
EVER = datetime(2000, 1, 1, tzinfo=UTC)
ALL_AGES = (0, 18)


@dataclass(frozen=True)
class Explorer:
    """What the library needs of a profile."""

    id: uuid.UUID
    account_id: uuid.UUID
    age_band: str

    @classmethod
    def of(cls, profile: Profile) -> Explorer:
        return cls(profile.id, profile.account_id, profile.age_band)


async def explorer(conn: asyncpg.Connection[Any], profile_id: uuid.UUID) -> Explorer | None:
    row = await queries.explorer(conn, profile_id)
    return None if row is None else Explorer(row["id"], row["account_id"], row["age_band"])


# A card as LibraryCard writes it: the card's fields (lookups.card_plain), then its
# progress and when it was saved. The library is one of the widest answers: validating each
# card into a model and serialising it again was most of its own CPU.
Plain = dict[str, Any]


def _card(row: asyncpg.Record, progress: ProgressOut | None, saved_at: datetime | None) -> Plain:
    return {**lookups.card_plain(row["kind"], row), "progress": progress, "saved_at": saved_at}


# An item, its progress if known, and when it was saved if it was.
Entry = tuple[uuid.UUID, ProgressOut | None, datetime | None]


async def _with_cards(
    conn: asyncpg.Connection[Any],
    profile_id: uuid.UUID,
    entries: Sequence[Entry],
    *,
    need_progress: bool,
) -> list[Plain]:
    """Cards for (item, progress, saved_at) entries, in order; items no longer visible in
    the catalogue are left out."""
    ids = [item for item, _, _ in entries]
    rows = await lookups.card_rows(conn, ids)
    states = await progress_service.states_for(conn, profile_id, ids) if need_progress else {}
    return [
        _card(rows[item], progress or states.get(item), saved_at)
        for item, progress, saved_at in entries
        if item in rows
    ]


async def section_cards(
    conn: asyncpg.Connection[Any], who: Explorer, name: Section, limit: int, cursor: str | None
) -> tuple[list[Plain], str | None]:
    """One page of a section as plain cards, and the next page's cursor."""
    if name is Section.recommended:
        # What they started, finished or saved is in its own section already.
        engaged = await progress_queries.engaged(conn, who.id)
        band = catalog_service.age_band(who.age_band) or ALL_AGES
        newest = cursor_values(cursor, parse_datetime, uuid.UUID)
        found = await lookups.recommended_rows(
            conn, engaged=engaged, exclude=engaged, band=band, limit=limit + 1, after=newest
        )
        next_cursor = page_cursor(found, limit, lambda row: [row["published_at"], row["id"]])
        return [_card(row, None, None) for row in found[:limit]], next_cursor
    after = progress_service.after_of(cursor)
    entries: list[Entry]
    if name is Section.saved:
        rows = await progress_queries.list_saved(conn, who.id, after=after, limit=limit + 1)
        entries = [(row["item_id"], None, row["saved_at"]) for row in rows[:limit]]
        order = "saved_at"
        items = await _with_cards(conn, who.id, entries, need_progress=True)
    else:
        if name is Section.continue_:
            rows = await progress_queries.list_states(
                conn, who.id, kind=None, status="in_progress", after=after, limit=limit + 1
            )
        else:
            rows = await progress_queries.list_completed(conn, who.id, after=after, limit=limit + 1)
        states = [
            ProgressOut.model_validate(progress_queries.state_of(row)) for row in rows[:limit]
        ]
        order = "updated_at" if name is Section.continue_ else "completed_at"
        entries = [(s.item_id, s, None) for s in states]
        items = await _with_cards(conn, who.id, entries, need_progress=False)
    # The order of each list's statement: its time, then the item.
    return items, page_cursor(rows, limit, lambda row: [row[order], row["item_id"]])


async def section(
    conn: asyncpg.Connection[Any], who: Explorer, name: Section, limit: int, cursor: str | None
) -> LibraryPage:
    items, next_cursor = await section_cards(conn, who, name, limit, cursor)
    return LibraryPage.model_validate({"items": items, "next_cursor": next_cursor})


async def library(
    conn: asyncpg.Connection[Any],
    settings: Settings,
    who: Explorer,
    now: datetime,
    due_soon: Sequence[DueSoon],
) -> bytes:
    """ "My adventures" as the JSON `Library` writes (tests/library/test_library.py checks
    it byte for byte against the model). `due_soon`: the explorer's assignments due
    (classrooms_service.due_soon)."""
    sections = {
        name.value: (await section_cards(conn, who, name, SCREEN_ROW, None))[0] for name in Section
    }
    zone = await progress_service.time_zone_of(conn, who.account_id)
    streak = await progress_service.streak(conn, who.id, zone, now, settings.streak_minutes)
    week = progress_service.week_start(now.astimezone(zone).date())
    quizzes = await quizzes_service.counts_for(conn, who.id, EVER, now)
    stats = LibraryStats(
        minutes_this_week=await progress_service.minutes_since(conn, who.id, zone, week, now),
        items_completed=await progress_service.completed_count(conn, who.id),
        current_streak=streak.current,
        longest_streak=streak.longest,
        quizzes_taken=quizzes.taken,
        quizzes_passed=quizzes.passed,
    )
    return to_json(
        {
            "continue": sections[Section.continue_.value],
            "completed": sections[Section.completed.value],
            "saved": sections[Section.saved.value],
            "recommended": sections[Section.recommended.value],
            "stats": stats,
            "due_soon": list(due_soon),
            "latest_badge": await rewards_service.latest(conn, who.id),
        }
    )


async def my_explorer(
    conn: asyncpg.Connection[Any], settings: Settings, profile: Profile, now: datetime
) -> MyExplorer:
    who = Explorer.of(profile)
    zone = await progress_service.time_zone_of(conn, profile.account_id)
    streak = await progress_service.streak(conn, profile.id, zone, now, settings.streak_minutes)
    return MyExplorer(
        explorer=ExplorerOut(
            id=profile.id,
            nickname=profile.nickname,
            age_band=profile.age_band,
            avatar=AvatarSelection.model_validate(profile.avatar or {}),
            avatar_url=f"/api/v1/profiles/{profile.id}/avatar.svg",
        ),
        streak=StreakOut(
            current=streak.current, longest=streak.longest, learned_today=streak.learned_today
        ),
        continue_=(await section(conn, who, Section.continue_, SCREEN_ROW, None)).items,
        recent=(await section(conn, who, Section.completed, SCREEN_ROW, None)).items,
        latest_badge=await rewards_service.latest(conn, profile.id),
    )
