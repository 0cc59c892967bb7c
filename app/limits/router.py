"""`/profiles/{profile_id}/limits`: a parent sets an explorer's daily allowance and bedtime,
reads the day, and grants extra minutes."""

from __future__ import annotations

from fastapi import APIRouter

from app.core.clock import ClockDep
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.parts import RateLimiterDep
from app.limits import service
from app.limits.schemas import ExtendIn, LimitsIn, LimitsOut, TodayOut
from app.profiles.scope import ParentProfileDep, ProfileDep

router = APIRouter(prefix="/profiles/{profile_id}/limits", tags=["limits"])

SCOPED = problem_responses(401, 403, 404, 422)


@router.get(
    "",
    name="get_limits",
    response_model=LimitsOut,
    responses=SCOPED,
    summary="Parents: an explorer's daily allowance and bedtime",
)
async def get_limits(profile: ParentProfileDep, session: SessionDep) -> LimitsOut:
    """The limits set for this explorer (all null: none). Parent of the profile only; an
    explorer's token gets 403 `parents_only`, another family's profile 404. Times are read
    in the family's time zone (`time_zone`)."""
    return await service.get_limits(session, profile.account_id, profile.id)


@router.put(
    "",
    name="put_limits",
    response_model=LimitsOut,
    responses=SCOPED,
    summary="Parents: set an explorer's daily allowance (one value or per weekday) and bedtime",
)
async def put_limits(body: LimitsIn, profile: ParentProfileDep, session: SessionDep) -> LimitsOut:
    """Replaces the whole set: a field left out is switched off. Parent of the profile
    only. `daily_minutes` or `weekday_minutes`, not both (422); a bedtime window may cross
    midnight (19:30 to 06:30) and is read in the family's time zone, whatever it is when
    the day comes. Idempotent: the same body again changes nothing."""
    return await service.put_limits(session, profile.account_id, profile.id, body)


@router.get(
    "/today",
    name="get_limits_today",
    response_model=TodayOut,
    responses=SCOPED,
    summary="Today's learning time, time left, and whether play is open, winding down or locked",
)
async def get_today(profile: ProfileDep, session: SessionDep, clock: ClockDep) -> TodayOut:
    """For the explorer (its app shows the lock screen from it) and its parent. Minutes
    used come from the learning time the heartbeats record, counted over the family's
    calendar day. `state` is `wind_down` in the last 5 minutes before a lock, `locked`
    during bedtime or once the allowance is used; `until` says when that changes."""
    return await service.today_of(session, profile.account_id, profile.id, clock())


@router.post(
    "/extend",
    name="extend_limits",
    response_model=TodayOut,
    responses={**SCOPED, **problem_responses(429)},
    summary="Parents: grant extra minutes for today (ends a lock at once, on every device)",
)
async def extend(
    body: ExtendIn,
    profile: ParentProfileDep,
    session: SessionDep,
    rate_limiter: RateLimiterDep,
    clock: ClockDep,
) -> TodayOut:
    """Adds `minutes` to today's allowance and pauses bedtime for as long; the explorer's
    devices hear `limit_extended` on the stream. Parent only, with the family's PIN when
    one is set (403 `pin_required` / `wrong_pin`; wrong guesses are rate limited). Not
    idempotent: each grant adds its minutes (today's extra time is capped at a day)."""
    return await service.extend(
        session, rate_limiter, profile.account_id, profile.id, body, clock()
    )
