"""The in-process timer every module's periodic work shares."""

from __future__ import annotations

import asyncio
import logging

import pytest

from app.core.config import Settings
from app.jobs import periodic
from app.jobs.periodic import Ticker
from app.modules import jobs, ticks
from app.runtime import Runtime


def test_each_tick_is_declared_once_and_reads_its_interval_from_settings(
    settings: Settings,
) -> None:
    declared = ticks()
    names = {tick.name for tick in declared}
    assert {"prune", "notifications", "catch-up-stats", "prune-audit", "close-quiz-attempts"} <= (
        names
    )
    assert len(names) == len(declared)
    for tick in declared:
        assert tick.interval(settings) >= 0
    # The timers run the same code the scheduler runs as jobs, where a job exists.
    by_name = jobs()
    assert by_name["prune"] is next(t.run for t in declared if t.name == "prune")


async def test_a_ticker_runs_again_after_a_failure_and_stops_for_good(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(periodic, "FIRST_RUN_AFTER_SECONDS", 0.0)
    runs: list[int] = []

    async def job(_: Runtime) -> str:
        runs.append(len(runs))
        if len(runs) == 1:
            raise RuntimeError("the first run fails")
        return "ok"

    ticker = Ticker(runtime, "test-job", job, interval=0.01)
    with caplog.at_level(logging.ERROR, logger="app.jobs.periodic"):
        ticker.start()
        for _ in range(200):
            if len(runs) >= 3:
                break
            await asyncio.sleep(0.01)
        await ticker.stop()
    assert len(runs) >= 3  # the failure did not end the timer
    assert [r.job for r in caplog.records] == ["test-job"]  # type: ignore[attr-defined]
    stopped_at = len(runs)
    await asyncio.sleep(0.05)
    assert len(runs) == stopped_at


async def test_an_interval_of_zero_never_runs(runtime: Runtime) -> None:
    async def job(_: Runtime) -> str:
        raise AssertionError("must not run")

    ticker = Ticker(runtime, "off", job, interval=0)
    ticker.start()
    await asyncio.sleep(0.02)
    await ticker.stop()
