"""The time progress runs on. One dependency, so tests can set the clock (days, weeks and
daylight-saving changes) instead of sleeping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends

Clock = Callable[[], datetime]


def system_now() -> datetime:
    return datetime.now(UTC)


async def get_clock() -> Clock:
    return system_now


ClockDep = Annotated[Clock, Depends(get_clock)]
