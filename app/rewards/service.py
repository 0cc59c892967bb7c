"""Rewards: badges earned by learning, never by time spent, never compared between children.

A criterion is turned into a counter key and a threshold (`tally_of`): the counters are
kept per explorer by the requests that earn them (queries.py, in the heartbeat's own
statement and after a quiz is scored), so checking every badge costs one indexed statement.
What is counted cannot be farmed: an item counts when it is completed (once), a quiz when it
is first passed or first mastered (passing it again counts nothing), a streak day when it
holds real learning. A badge is earned once; changing or deleting its criterion never takes
one back. A parent may turn rewards off for an explorer: nothing is awarded or announced
and nothing is shown (counting goes on, so turning them on again loses nothing), and every
avatar part is free meanwhile.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from app.avatars import service as avatars_service
from app.catalog.schemas import Kind
from app.core.errors import Conflict, NotFound, invalid_field
from app.core.pagination import Page, build_page, cursor_values
from app.media import service as media_service
from app.outbox import service as outbox_service
from app.profiles import service as profiles_service
from app.rewards import queries
from app.rewards.models import Badge
from app.rewards.queries import BADGE_EARNED_TASK, STREAK_KEY
from app.rewards.schemas import (
    BadgeCard,
    BadgeIn,
    BadgeOut,
    BadgePatch,
    Criterion,
    DiysFinished,
    EarnedOut,
    EbooksReadAloud,
    ItemsCompleted,
    LatestBadge,
    NextOut,
    OfItem,
    OfKind,
    OfSeries,
    OfTheme,
    ProfileBadges,
    QuizzesMastered,
    QuizzesPassed,
    RewardSettings,
    StreakDays,
)

__all__ = ["BADGE_EARNED_TASK", "STREAK_KEY"]

# "Within reach": the badges an explorer has started on, closest first, at most this many.
NEXT_SHOWN = 3

_criterion = TypeAdapter[Criterion](Criterion)


def picture_url(asset_id: uuid.UUID | None) -> str | None:
    return f"/api/v1/assets/{asset_id}" if asset_id else None


# --- criteria and counters -------------------------------------------------------------------


def tally_of(criterion: Criterion) -> tuple[str, int]:
    """(counter key, threshold) of a criterion. Keys are `<fact>` or `<fact>:<detail>`; the
    fact names what a request established (queries.award_ctes)."""
    if isinstance(criterion, ItemsCompleted):
        of = criterion.of
        if isinstance(of, OfKind):
            return f"items:kind:{of.item_kind.value}", criterion.count
        if isinstance(of, OfTheme):
            return f"items:theme:{of.theme_id}", criterion.count
        if isinstance(of, OfSeries):
            return f"items:series:{of.series_id}", criterion.count
        if isinstance(of, OfItem):
            return f"items:item:{of.item_id}", criterion.count
        return "items", criterion.count
    if isinstance(criterion, DiysFinished):
        return f"items:kind:{Kind.diy.value}", criterion.count
    if isinstance(criterion, EbooksReadAloud):
        return "read_aloud", criterion.count
    if isinstance(criterion, QuizzesPassed | QuizzesMastered):
        fact = "quiz_passed" if isinstance(criterion, QuizzesPassed) else "quiz_mastered"
        if criterion.difficulty is not None:
            return f"{fact}:{criterion.difficulty.value}", criterion.count
        return fact, criterion.count
    assert isinstance(criterion, StreakDays)
    return STREAK_KEY, criterion.days


def completion_keys(
    kind: Kind, item_id: uuid.UUID, theme_id: uuid.UUID, series_id: uuid.UUID | None
) -> list[str]:
    """Every counter a completed item feeds (the heartbeat's statement adds `read_aloud` for
    an eBook finished while read aloud)."""
    keys = [
        "items",
        f"items:kind:{kind.value}",
        f"items:theme:{theme_id}",
        f"items:item:{item_id}",
        "read_aloud",
    ]
    if series_id is not None:
        keys.append(f"items:series:{series_id}")
    return keys


async def quiz_scored(
    session: AsyncSession,
    profile_id: uuid.UUID,
    quiz_id: uuid.UUID,
    difficulty: str,
    *,
    passed: bool,
    stars: int,
    now: datetime,
) -> None:
    """Counts a quiz first passed or first mastered and awards what that earns, in the
    transaction that scored the attempt (the session's); the announcements go to the task
    backend once it commits."""
    facts = (["quiz_passed"] if passed else []) + (["quiz_mastered"] if stars >= 3 else [])
    if not facts:
        return
    keys = [key for fact in facts for key in (fact, f"{fact}:{difficulty}")]
    conn = await queries.connection(session)
    told = await queries.award(conn, profile_id, quiz_id, now, facts, keys)
    outbox_service.dispatch_after_commit(session, told)


# --- badges (editors) ----------------------------------------------------------------------


def badge_out(badge: Badge) -> BadgeOut:
    return BadgeOut(
        id=badge.id,
        slug=badge.slug,
        title=badge.title,
        description=badge.description,
        picture_asset_id=badge.picture_asset_id,
        picture_url=picture_url(badge.picture_asset_id),
        criterion=_criterion.validate_python(badge.params),
        unlocks=list(badge.unlocks),
        sort_order=badge.sort_order,
        created_at=badge.created_at,
        updated_at=badge.updated_at,
    )


async def list_badges(session: AsyncSession, limit: int, cursor: str | None) -> Page[BadgeOut]:
    order, ident = cursor_values(cursor, int, uuid.UUID)
    rows = await queries.page_of_badges(
        session, None if order is None else (order, ident), limit + 1
    )
    return build_page(rows, limit, lambda b: [b.sort_order, b.id], badge_out)


async def _get(session: AsyncSession, badge_id: uuid.UUID) -> Badge:
    badge = await session.get(Badge, badge_id)
    if badge is None:
        raise NotFound("No such badge.")
    return badge


async def get_badge(session: AsyncSession, badge_id: uuid.UUID) -> BadgeOut:
    return badge_out(await _get(session, badge_id))


async def _check_criterion(session: AsyncSession, criterion: Criterion | None) -> None:
    if not isinstance(criterion, ItemsCompleted) or criterion.of is None:
        return
    conn = await queries.connection(session)
    for field in ("theme_id", "series_id", "item_id"):
        ident = getattr(criterion.of, field, None)
        if ident is not None and not await queries.catalogue_has(conn, field, ident):
            raise invalid_field(
                ["body", "criterion", "of", field],
                "Not in the catalogue.",
                detail=f"No such {field.removesuffix('_id')} in the catalogue.",
            )


async def _check_refs(
    session: AsyncSession, picture: uuid.UUID | None, unlocks: Sequence[uuid.UUID]
) -> None:
    if picture is not None and picture not in await media_service.existing(session, [picture]):
        raise invalid_field(
            ["body", "picture_asset_id"], "No such asset.", detail="The picture does not exist."
        )
    known = await avatars_service.known_parts(session, list(unlocks))
    for index, part in enumerate(unlocks):
        if part not in known:
            raise invalid_field(
                ["body", "unlocks", index], "No such avatar part.", type="unknown_part"
            )


def _apply_criterion(badge: Badge, criterion: Criterion) -> None:
    badge.criterion = criterion.kind
    badge.params = criterion.model_dump(mode="json", exclude_none=True)
    badge.tally_key, badge.threshold = tally_of(criterion)


async def create_badge(
    session: AsyncSession, body: BadgeIn, ident: uuid.UUID | None = None
) -> BadgeOut:
    """`ident`: a stable id (the demo's badges); a new one otherwise."""
    if await queries.slug_taken(session, body.slug, None):
        raise Conflict(f"A badge with slug '{body.slug}' exists already.", code="name_taken")
    await _check_criterion(session, body.criterion)
    await _check_refs(session, body.picture_asset_id, body.unlocks)
    badge = Badge(
        id=ident or uuid.uuid4(),
        slug=body.slug,
        title=body.title,
        description=body.description,
        picture_asset_id=body.picture_asset_id,
        unlocks=list(dict.fromkeys(body.unlocks)),
        sort_order=body.sort_order,
        criterion="",
        tally_key="",
        threshold=1,
    )
    _apply_criterion(badge, body.criterion)
    session.add(badge)
    await session.flush()
    await session.refresh(badge)
    return badge_out(badge)


async def update_badge(session: AsyncSession, badge_id: uuid.UUID, body: BadgePatch) -> BadgeOut:
    """Changes what is sent (null leaves a field as it is, but for the picture, which it
    removes). A new criterion applies from now on: badges already earned are kept, and an
    explorer whose counter is already past the new threshold earns it with their next step
    that counts."""
    badge = await _get(session, badge_id)
    changes = body.model_dump(exclude_unset=True)
    await _check_criterion(session, body.criterion)
    await _check_refs(
        session,
        body.picture_asset_id if "picture_asset_id" in changes else None,
        body.unlocks or [],
    )
    if body.criterion is not None:
        _apply_criterion(badge, body.criterion)
    if body.title is not None:
        badge.title = body.title
    if body.description is not None:
        badge.description = body.description
    if "picture_asset_id" in changes:
        badge.picture_asset_id = body.picture_asset_id
    if body.unlocks is not None:
        badge.unlocks = list(dict.fromkeys(body.unlocks))
    if body.sort_order is not None:
        badge.sort_order = body.sort_order
    await session.flush()
    await session.refresh(badge)
    return badge_out(badge)


async def delete_badge(session: AsyncSession, badge_id: uuid.UUID) -> None:
    """Deletes a badge nobody earned; one that was earned stays (409 `badge_earned`), since a
    badge earned is never taken back."""
    badge = await _get(session, badge_id)
    if await queries.earned_count(session, badge_id):
        raise Conflict(
            "Explorers earned this badge; it stays theirs. Change its criterion instead.",
            code="badge_earned",
        )
    await session.delete(badge)
    await session.flush()


# --- one explorer --------------------------------------------------------------------------


async def settings_of(session: AsyncSession, profile_id: uuid.UUID) -> RewardSettings:
    row = await queries.setting(session, profile_id)
    if row is None:
        return RewardSettings(enabled=True, tell_parent=False)
    return RewardSettings(enabled=row["enabled"], tell_parent=row["tell_parent"])


async def put_settings(
    session: AsyncSession, profile_id: uuid.UUID, body: RewardSettings
) -> RewardSettings:
    await queries.put_setting(session, profile_id, body.enabled, body.tell_parent)
    return await settings_of(session, profile_id)


def _card(badge: Badge) -> BadgeCard:
    return BadgeCard(
        id=badge.id,
        title=badge.title,
        description=badge.description,
        picture_url=picture_url(badge.picture_asset_id),
        unlocks=list(badge.unlocks),
    )


async def profile_badges(
    session: AsyncSession, profile_id: uuid.UUID, now: datetime
) -> ProfileBadges:
    """Earned badges, newest first, and the ones within reach: started on (progress above
    zero), closest to their goal first. Nothing while rewards are off."""
    if not (await settings_of(session, profile_id)).enabled:
        return ProfileBadges(enabled=False, earned=[], next=[])
    badges = {b.id: b for b in await queries.all_badges(session)}
    earned_rows = await queries.earned_of(session, profile_id)
    earned = [
        EarnedOut(badge=_card(badges[row["badge_id"]]), earned_at=row["earned_at"])
        for row in earned_rows
        if row["badge_id"] in badges
    ]
    have = {row["badge_id"] for row in earned_rows}
    tallies = await queries.tallies_of(session, profile_id)
    if any(b.tally_key == STREAK_KEY for b in badges.values()):
        conn = await queries.connection(session)
        tallies[STREAK_KEY] = await queries.streak_now(conn, profile_id, now)
    reach: list[tuple[float, int, Badge, int]] = []
    for badge in badges.values():
        if badge.id in have:
            continue
        progress = min(tallies.get(badge.tally_key, 0), badge.threshold)
        if progress <= 0:
            continue
        reach.append((-progress / badge.threshold, badge.sort_order, badge, progress))
    reach.sort(key=lambda r: (r[0], r[1], r[2].title))
    return ProfileBadges(
        enabled=True,
        earned=earned,
        next=[
            NextOut(badge=_card(badge), progress=progress, goal=badge.threshold)
            for _, _, badge, progress in reach[:NEXT_SHOWN]
        ],
    )


async def latest(conn: asyncpg.Connection[Any], profile_id: uuid.UUID) -> LatestBadge | None:
    """The newest badge, for the library's screens (None while rewards are off)."""
    row = await queries.latest(conn, profile_id)
    if row is None:
        return None
    return LatestBadge(
        id=row["id"],
        title=row["title"],
        description=row["description"],
        picture_url=picture_url(row["picture_asset_id"]),
        earned_at=row["earned_at"],
    )


async def locked_parts(session: AsyncSession, profile_id: uuid.UUID | None) -> set[uuid.UUID]:
    """The avatar parts a badge unlocks that this explorer has not earned (with no explorer:
    every part some badge unlocks). None while the explorer's rewards are off."""
    return await queries.locked_parts(await queries.connection(session), profile_id)


async def announcement(
    conn: asyncpg.Connection[Any], profile_id: uuid.UUID, badge_id: uuid.UUID
) -> dict[str, Any] | None:
    """What telling of an earned badge needs; None when it is gone (the profile was deleted)
    or rewards were turned off since."""
    row = await queries.announcement(conn, profile_id, badge_id)
    if row is None or not row["enabled"]:
        return None
    return {
        "account_id": row["account_id"],
        "nickname": row["nickname"],
        "tell_parent": row["tell_parent"],
        "badge": LatestBadge(
            id=row["id"],
            title=row["title"],
            description=row["description"],
            picture_url=picture_url(row["picture_asset_id"]),
            earned_at=row["earned_at"],
        ),
    }


# --- data rights ----------------------------------------------------------------------------


async def export_rewards(session: AsyncSession, account_id: uuid.UUID) -> dict[str, Any]:
    """A family's badges and reward settings, JSON-ready."""
    profile_ids = [p.id for p in await profiles_service.list_for(session, account_id)]
    rows = await queries.export_rows(session, profile_ids)
    return {
        "badges": [
            {
                "profile_id": str(r["profile_id"]),
                "badge_id": str(r["badge_id"]),
                "title": r["title"],
                "earned_at": r["earned_at"].isoformat(),
            }
            for r in rows["badges"]
        ],
        "settings": [
            {
                "profile_id": str(r["profile_id"]),
                "enabled": r["enabled"],
                "tell_parent": r["tell_parent"],
            }
            for r in rows["settings"]
        ],
        # What the badges are counted from: counters, and the days that count for streaks.
        "counters": [
            {"profile_id": str(r["profile_id"]), "key": r["key"], "count": r["count"]}
            for r in rows["counters"]
        ],
        "days": [
            {
                "profile_id": str(r["profile_id"]),
                "day": r["day"].isoformat(),
                "seconds": int(r["active_ms"]) // 1000,
                "counts_for_streak": r["active"],
            }
            for r in rows["days"]
        ],
    }
