"""The time the service runs on: a part of the runtime (`Runtime.clock`), so tests can set it
(days, weeks and daylight-saving changes) instead of sleeping, and every route and job of an
instance reads the same one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

Clock = Callable[[], datetime]


def system_now() -> datetime:
    return datetime.now(UTC)


async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.runtime.clock
    return clock


ClockDep = Annotated[Clock, Depends(get_clock)]
