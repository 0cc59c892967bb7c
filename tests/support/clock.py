"""Rate limits count in fixed one-minute windows: a test that spends a budget starts early in
a window, so the window cannot roll over (and reset the count) half-way through."""

from __future__ import annotations

import asyncio
import time


def seconds_left_in_window(seconds: int = 60) -> float:
    return seconds - time.time() % seconds


async def fresh_window(needed: float = 10.0, seconds: int = 60) -> None:
    left = seconds_left_in_window(seconds)
    if left < needed:
        await asyncio.sleep(left + 0.05)


def fresh_window_sync(needed: float = 10.0, seconds: int = 60) -> None:
    left = seconds_left_in_window(seconds)
    if left < needed:
        time.sleep(left + 0.05)
