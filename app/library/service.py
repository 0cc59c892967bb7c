"""The explorer's library, built from progress, saved items and the catalogue: sections as
paged lists, "My adventures" in one round trip, and the explorer's own tab."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.avatars.schemas import AvatarSelection
from app.catalog import lookups
from app.catalog import service as catalog_service
from app.catalog.schemas import Card
from app.classrooms import service as classrooms_service
from app.core.config import Settings
from app.core.pagination import page_cursor
from app.library.schemas import (
    ExplorerOut,
    Library,
    LibraryCard,
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

SCREEN_ROW = 10
# The library's quiz figures count every quiz ever taken.
EVER = datetime(2000, 1, 1, tzinfo=UTC)
ALL_AGES = (0, 18)


def _card(card: Card, progress: ProgressOut | None, saved_at: datetime | None) -> LibraryCard:
    # Trusted fields of a card already validated: no second validation per card.
    return LibraryCard.model_construct(**dict(card), progress=progress, saved_at=saved_at)


# An item, its progress if known, and when it was saved if it was.
Entry = tuple[uuid.UUID, ProgressOut | None, datetime | None]


async def _with_cards(
    session: AsyncSession,
    profile_id: uuid.UUID,
    entries: Sequence[Entry],
    *,
    need_progress: bool,
) -> list[LibraryCard]:
    """Cards for (item, progress, saved_at) entries, in order; items no longer visible in
    the catalogue are left out."""
    ids = [item for item, _, _ in entries]
    conn = await progress_queries.connection(session)
    cards = await lookups.cards(conn, ids)
    states = await progress_service.states_for(session, profile_id, ids) if need_progress else {}
    return [
        _card(cards[item], progress or states.get(item), saved_at)
        for item, progress, saved_at in entries
        if item in cards
    ]


async def section(
    session: AsyncSession,
    profile: Profile,
    name: Section,
    limit: int,
    cursor: str | None,
) -> LibraryPage:
    conn = await progress_queries.connection(session)
    after = progress_service.after_of(cursor) if name is not Section.recommended else None
    entries: list[Entry]
    if name is Section.recommended:
        # What they started, finished or saved is in its own section already.
        engaged = await progress_queries.engaged(conn, profile.id)
        band = catalog_service.age_band(profile.age_band) or ALL_AGES
        found, next_cursor = await lookups.recommended(
            conn, engaged=engaged, exclude=engaged, band=band, limit=limit, cursor=cursor
        )
        return LibraryPage(items=[_card(c, None, None) for c in found], next_cursor=next_cursor)
    if name is Section.saved:
        rows = await progress_queries.list_saved(conn, profile.id, after=after, limit=limit + 1)
        entries = [(row["item_id"], None, row["saved_at"]) for row in rows[:limit]]
        order = "saved_at"
        items = await _with_cards(session, profile.id, entries, need_progress=True)
    else:
        if name is Section.continue_:
            rows = await progress_queries.list_states(
                conn, profile.id, kind=None, status="in_progress", after=after, limit=limit + 1
            )
        else:
            rows = await progress_queries.list_completed(
                conn, profile.id, after=after, limit=limit + 1
            )
        states = [
            ProgressOut.model_validate(progress_queries.state_of(row)) for row in rows[:limit]
        ]
        order = "updated_at" if name is Section.continue_ else "completed_at"
        entries = [(s.item_id, s, None) for s in states]
        items = await _with_cards(session, profile.id, entries, need_progress=False)
    # The order of each list's statement: its time, then the item.
    next_cursor = page_cursor(rows, limit, lambda row: [row[order], row["item_id"]])
    return LibraryPage(items=items, next_cursor=next_cursor)


async def library(
    session: AsyncSession, settings: Settings, profile: Profile, now: datetime
) -> Library:
    sections = {
        name: (await section(session, profile, name, SCREEN_ROW, None)).items for name in Section
    }
    zone = await progress_service.time_zone_of(session, profile.account_id)
    streak = await progress_service.streak(session, profile.id, zone, now, settings.streak_minutes)
    week = progress_service.week_start(now.astimezone(zone).date())
    quizzes = await quizzes_service.counts_for(session, profile.id, EVER, now)
    return Library(
        continue_=sections[Section.continue_],
        completed=sections[Section.completed],
        saved=sections[Section.saved],
        recommended=sections[Section.recommended],
        stats=LibraryStats(
            minutes_this_week=await progress_service.minutes_since(
                session, profile.id, zone, week, now
            ),
            items_completed=await progress_service.completed_count(session, profile.id),
            current_streak=streak.current,
            longest_streak=streak.longest,
            quizzes_taken=quizzes.taken,
            quizzes_passed=quizzes.passed,
        ),
        due_soon=await classrooms_service.due_soon(session, profile, now),
    )


async def my_explorer(
    session: AsyncSession, settings: Settings, profile: Profile, now: datetime
) -> MyExplorer:
    zone = await progress_service.time_zone_of(session, profile.account_id)
    streak = await progress_service.streak(session, profile.id, zone, now, settings.streak_minutes)
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
        continue_=(await section(session, profile, Section.continue_, SCREEN_ROW, None)).items,
        recent=(await section(session, profile, Section.completed, SCREEN_ROW, None)).items,
    )
