"""The time progress runs on. One dependency, so tests can set the clock (days, weeks and
daylight-saving changes) instead of sleeping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, FastAPI

Clock = Callable[[], datetime]


def system_now() -> datetime:
    return datetime.now(UTC)


async def get_clock() -> Clock:
    return system_now


ClockDep = Annotated[Clock, Depends(get_clock)]


async def clock_of(app: FastAPI) -> Clock:
    """The clock the routes of `app` get, overrides included: for code that runs before
    routing (app/profiles/front.py)."""
    provider = app.dependency_overrides.get(get_clock, get_clock)
    clock: Clock = await provider()
    return clock
