"""`/profiles/{profile_id}/limits`: a parent sets an explorer's daily allowance and bedtime,
reads the day, and grants extra minutes."""

from __future__ import annotations

from fastapi import APIRouter

from app.core.clock import ClockDep
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.examples import request_example, response_example
from app.core.parts import RateLimiterDep
from app.limits import service
from app.limits.examples import (
    EXTEND_IN,
    EXTEND_LIMITS_OUT,
    GET_LIMITS_OUT,
    GET_LIMITS_TODAY_OUT,
    LIMITS_IN,
    PUT_LIMITS_OUT,
)
from app.limits.schemas import ExtendIn, LimitsIn, LimitsOut, TodayOut
from app.profiles.scope import ParentProfileDep, ProfileDep

router = APIRouter(prefix="/profiles/{profile_id}/limits", tags=["limits"])

SCOPED = problem_responses(401, 403, 404, 422)


@router.get(
    "",
    name="get_limits",
    response_model=LimitsOut,
    responses={**SCOPED, **response_example(200, GET_LIMITS_OUT)},
    summary="Read an explorer's daily allowance and bedtime.",
)
async def get_limits(profile: ParentProfileDep, session: SessionDep) -> LimitsOut:
    """Answers the limits set for this explorer: one daily allowance or one per weekday, and a
    bedtime window, with the family's time zone they are read in (`timezone`); every field
    null when none are set.

    **Who may call:** that profile's family's parent only; its explorer is refused (403
    `parents_only`), anyone else gets 404 (anonymous callers 401).

    **Rules:** none beyond the profile's scope.

    **Retries:** a read; repeating it changes nothing.
    """
    return await service.get_limits(session, profile.account_id, profile.id)


@router.put(
    "",
    name="put_limits",
    response_model=LimitsOut,
    responses={**SCOPED, **response_example(200, PUT_LIMITS_OUT)},
    summary="Set an explorer's daily allowance (one value or one per weekday) and bedtime.",
    openapi_extra=request_example(LIMITS_IN),
)
async def put_limits(body: LimitsIn, profile: ParentProfileDep, session: SessionDep) -> LimitsOut:
    """Replaces the whole set of this explorer's limits and answers it: a field left out is
    switched off (an empty body removes every limit). The explorer's next heartbeat, quiz
    start or screen meets the new limits; play already recorded is kept.

    **Who may call:** that profile's family's parent only; its explorer is refused (403
    `parents_only`), anyone else gets 404 (anonymous callers 401).

    **Rules:** `daily_minutes` or `weekday_minutes`, not both, each allowance 0 to 1440
    minutes; a bedtime's `start` and `end` are local times without an offset and differ (all
    422 `validation_error`, as is an unknown field). A bedtime window may cross midnight
    (19:30 to 06:30) and is read in the family's time zone, whatever it is when the day comes.

    **Retries:** idempotent: the same body again changes nothing.
    """
    return await service.put_limits(session, profile.account_id, profile.id, body)


@router.get(
    "/today",
    name="get_limits_today",
    response_model=TodayOut,
    responses={**SCOPED, **response_example(200, GET_LIMITS_TODAY_OUT)},
    summary="Read today's learning time, the time left, and whether play is open or locked.",
)
async def get_today(profile: ProfileDep, session: SessionDep, clock: ClockDep) -> TodayOut:
    """Answers the explorer's day: minutes used (the learning time its heartbeats record,
    counted over the family's calendar day), today's allowance with any extra minutes granted,
    the minutes left, and `state`: `ok`, `wind_down` in the last 5 minutes before a lock, or
    `locked` during bedtime or once the allowance is used, with `reason` and `until` (when
    that changes). Without limits the state is `ok` and the allowance null. The explorer's
    app shows its lock screen from it.

    **Who may call:** the explorer of that profile and its family's parent; anyone else gets
    404 (anonymous callers 401).

    **Rules:** readable while play is locked (it is how the app learns when play opens again).

    **Retries:** a read; repeating it changes nothing (the answer moves with the clock).
    """
    return await service.today_of(session, profile.account_id, profile.id, clock())


@router.post(
    "/extend",
    name="extend_limits",
    response_model=TodayOut,
    responses={
        **SCOPED,
        **problem_responses(429),
        **response_example(200, EXTEND_LIMITS_OUT),
    },
    summary="Grant an explorer extra minutes for today, ending a lock at once on every device.",
    openapi_extra=request_example(EXTEND_IN),
)
async def extend(
    body: ExtendIn,
    profile: ParentProfileDep,
    session: SessionDep,
    rate_limiter: RateLimiterDep,
    clock: ClockDep,
) -> TodayOut:
    """Adds `minutes` to today's allowance (the family's calendar day) and pauses bedtime for
    as long from now, then answers the day as it now is; the explorer's devices hear
    `limit_extended` on the stream.

    **Who may call:** that profile's family's parent only; its explorer is refused (403
    `parents_only`), anyone else gets 404 (anonymous callers 401).

    **Rules:** `minutes` is 1 to 240 and `pin` 4 to 6 digits (422 `validation_error`); when
    the family has a parent PIN it must be sent and right (403 `pin_required`, `wrong_pin`),
    and after 5 wrong guesses in a five-minute window every guess is refused until it ends
    (429 `rate_limited`, with Retry-After); today's extra minutes add up to at most 1440. A
    grant is kept even when no limits are set.

    **Retries:** not idempotent: each grant adds its minutes again, so retry only a request
    that got no answer after checking `extra_minutes` in today's state.
    """
    return await service.extend(
        session, rate_limiter, profile.account_id, profile.id, body, clock()
    )
