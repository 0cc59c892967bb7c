"""Telemetry installed as at start-up, for one test: OpenTelemetry's process-wide provider and
propagator, the patched libraries and the Sentry client are put back as they were after it,
so the rest of the suite runs with nothing installed, as production does unconfigured."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from opentelemetry import propagate, trace
from opentelemetry.util._once import Once

from app.core import telemetry
from app.core.config import Settings
from tests.telemetry.receivers import OtlpCollector, SentryIngest

Observe = Callable[..., telemetry.Installed]


def _forget_tracer_provider() -> None:
    # What opentelemetry's own test utilities do between tests: the API lets a process set
    # its provider once.
    trace._TRACER_PROVIDER_SET_ONCE = Once()  # type: ignore[attr-defined]
    trace._TRACER_PROVIDER = None  # type: ignore[attr-defined]


@pytest.fixture
def observe(settings: Settings) -> Iterator[Observe]:
    """`observe(**settings)` installs telemetry for these settings, as the app's start-up
    does; everything is shut down and forgotten after the test."""
    textmap = propagate.get_global_textmap()
    installed: list[telemetry.Installed] = []

    def install(**overrides: Any) -> telemetry.Installed:
        done = telemetry.install(settings.model_copy(update=overrides))
        assert done is not None
        installed.append(done)
        return done

    _forget_tracer_provider()
    try:
        yield install
    finally:
        for done in installed:
            done.shutdown()
        _forget_tracer_provider()
        propagate.set_global_textmap(textmap)


@pytest.fixture(scope="module")
def collector() -> Iterator[OtlpCollector]:
    server = OtlpCollector()
    yield server
    server.close()


@pytest.fixture(scope="module")
def sentry_ingest() -> Iterator[SentryIngest]:
    server = SentryIngest()
    yield server
    server.close()
