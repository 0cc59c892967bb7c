"""Traces, as production sends them: a local OTLP collector receives what the app exports
(batched, scrubbed, over HTTP) and finds one trace per request with its database spans, the
outbox task a request enqueued inside the same trace, a tick in its own, and the trace on
every log line written meanwhile."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from opentelemetry.proto.trace.v1.trace_pb2 import Span
from sqlalchemy import text

from app.core import telemetry
from app.core.config import Settings
from app.core.db import SessionDep
from app.core.logging import JsonFormatter
from app.jobs.periodic import Ticker
from app.outbox import service as outbox_service
from app.outbox.registry import Registration, TaskContext
from app.runtime import Runtime
from tests.support.app import app_with, client_for
from tests.telemetry.conftest import Observe
from tests.telemetry.receivers import OtlpCollector, attributes

TASK = "telemetry.check"
PROJECT = "wonderspaced-test"
# A trace and span chosen by a caller (as Cloud Run's front end or another service does).
CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"

routes = APIRouter()


@routes.post("/test/telemetry/enqueue")
async def enqueue_one(session: SessionDep) -> dict[str, str]:
    message_id = await outbox_service.enqueue(session, TASK, {"n": 1})
    return {"id": str(message_id)}


async def check_handler(ctx: TaskContext) -> None:
    await ctx.session.execute(text("SELECT count(*) FROM outbox_message"))


@pytest.fixture(scope="module")
def traced_settings(settings: Settings, collector: OtlpCollector) -> Settings:
    return settings.model_copy(
        update={
            "otel_exporter_otlp_endpoint": collector.url,
            "traces_sample_ratio": 1.0,
            "gcp_project": PROJECT,
        }
    )


@pytest.fixture(scope="module")
def traced_app(traced_settings: Settings) -> FastAPI:
    return app_with(traced_settings, routes)


@pytest.fixture
async def traced(
    observe: Observe,
    traced_app: FastAPI,
    runtime: Runtime,
    collector: OtlpCollector,
) -> AsyncIterator[tuple[httpx.AsyncClient, telemetry.Installed]]:
    """The app with tracing installed as at start-up, its task handler registered."""
    collector.clear()
    installed = observe(
        otel_exporter_otlp_endpoint=collector.url, traces_sample_ratio=1.0, gcp_project=PROJECT
    )
    runtime.worker.handlers[TASK] = Registration(check_handler)  # type: ignore[attr-defined]
    async with client_for(traced_app, runtime) as client:
        yield client, installed


@pytest.fixture
def log_lines() -> Iterator[list[dict[str, Any]]]:
    """The JSON lines the access log and the app write meanwhile."""
    lines: list[dict[str, Any]] = []
    formatter = JsonFormatter(PROJECT)

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(json.loads(formatter.format(record)))

    handler = Keep(logging.INFO)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def hex_id(raw: bytes) -> str:
    return raw.hex()


def by_trace(spans: list[Span]) -> dict[str, list[Span]]:
    traces: dict[str, list[Span]] = {}
    for span in spans:
        traces.setdefault(hex_id(span.trace_id), []).append(span)
    return traces


def is_database(span: Span) -> bool:
    values = attributes(span.attributes)
    return span.kind == Span.SPAN_KIND_CLIENT and "postgresql" in (
        values.get("db.system.name"),
        values.get("db.system"),
    )


def statement(span: Span) -> str:
    values = attributes(span.attributes)
    return str(values.get("db.query.text") or values.get("db.statement") or "")


def descends_from(span: Span, ancestor: Span, trace: list[Span]) -> bool:
    parents = {bytes(s.span_id): bytes(s.parent_span_id) for s in trace}
    current = bytes(span.parent_span_id)
    while current:
        if current == bytes(ancestor.span_id):
            return True
        current = parents.get(current, b"")
    return False


async def test_one_trace_per_request_with_its_database_spans(
    traced: tuple[httpx.AsyncClient, telemetry.Installed],
    runtime: Runtime,
    collector: OtlpCollector,
    log_lines: list[dict[str, Any]],
) -> None:
    client, installed = traced
    first = await client.post(
        "/test/telemetry/enqueue?note=parent.adams@example.com",
        headers={"traceparent": f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"},
    )
    second = await client.post("/test/telemetry/enqueue")
    assert first.status_code == second.status_code == 200
    # The task enqueued by the first request, delivered by this instance.
    assert await runtime.worker.run_due() == 2
    # BatchSpanProcessor sends from its thread; flushing waits for it, as shutdown does.
    installed.flush()

    traces = by_trace(collector.spans())
    servers = {
        trace_id: [s for s in spans if s.kind == Span.SPAN_KIND_SERVER]
        for trace_id, spans in traces.items()
    }
    request_traces = [trace_id for trace_id, found in servers.items() if found]
    # One trace per request, each with one server span naming the route.
    assert len(request_traces) == 2
    assert CALLER_TRACE in request_traces  # the caller's trace is continued
    for trace_id in request_traces:
        (server,) = servers[trace_id]
        assert server.name == "POST /test/telemetry/enqueue"
        assert attributes(server.attributes)["http.route"] == "/test/telemetry/enqueue"
        database = [s for s in traces[trace_id] if is_database(s)]
        inserts = [s for s in database if "INSERT INTO outbox_message" in statement(s)]
        assert inserts, [statement(s) for s in database]
        assert all(descends_from(s, server, traces[trace_id]) for s in database)
    (server,) = servers[CALLER_TRACE]
    assert hex_id(server.parent_span_id) == CALLER_SPAN
    # What a URL's query held is not exported.
    assert attributes(server.attributes)["url.query"] == "note=[redacted]"
    assert b"parent.adams@example.com" not in b"".join(collector.bodies)

    # Each delivery of the tasks has a span, in the trace of the request that enqueued it,
    # with the handler's statements inside.
    tasks = [s for s in collector.spans() if s.name == f"task {TASK}"]
    assert len(tasks) == 2
    assert {hex_id(s.trace_id) for s in tasks} == set(request_traces)
    for task in tasks:
        assert task.kind == Span.SPAN_KIND_CONSUMER
        assert attributes(task.attributes)["outbox.outcome"] == "done"
        trace = traces[hex_id(task.trace_id)]
        handler_statements = [
            s for s in trace if is_database(s) and "count(*) FROM outbox_message" in statement(s)
        ]
        assert handler_statements
        assert all(descends_from(s, task, trace) for s in handler_statements)
    # Statements outside any request, task or tick (the sweep for due tasks) make no trace.
    assert all(servers[t] or any(s.name.startswith("task") for s in traces[t]) for t in traces)

    # Every line the first request logged carries its trace and span, as Cloud Logging links.
    access = [line for line in log_lines if line["logger"] == "app.access" and "note" not in line]
    assert len(access) == 2
    traced_lines = {line["logging.googleapis.com/trace"] for line in access}
    assert traced_lines == {f"projects/{PROJECT}/traces/{t}" for t in request_traces}
    assert all(len(line["logging.googleapis.com/spanId"]) == 16 for line in access)
    assert all(line["logging.googleapis.com/trace_sampled"] is True for line in access)

    resource = collector.resources()[0]
    assert resource["service.name"] == "wonderspaced-api"
    assert resource["deployment.environment.name"] == "test"


async def test_a_tick_is_a_trace_of_its_own(
    observe: Observe, runtime: Runtime, collector: OtlpCollector
) -> None:
    collector.clear()
    installed = observe(otel_exporter_otlp_endpoint=collector.url, traces_sample_ratio=1.0)
    runs: list[int] = []

    async def job(runtime: Runtime) -> str:
        async with runtime.db.session() as session:
            await session.execute(text("SELECT count(*) FROM outbox_message"))
        runs.append(1)
        raise RuntimeError("the job broke")

    ticker = Ticker(runtime, "check", job, interval=0.01)
    ticker.start()
    for _ in range(500):
        if runs:
            break
        await asyncio.sleep(0.01)
    await ticker.stop()
    installed.flush()

    ticks = [s for s in collector.spans() if s.name == "tick check"]
    assert ticks
    tick = ticks[0]
    assert tick.parent_span_id == b""  # a trace of its own
    assert tick.status.code == tick.status.STATUS_CODE_ERROR
    assert attributes(tick.attributes)["error.type"] == "RuntimeError"
    trace = by_trace(collector.spans())[hex_id(tick.trace_id)]
    statements = [s for s in trace if is_database(s)]
    assert statements
    assert all(descends_from(s, tick, trace) for s in statements)
