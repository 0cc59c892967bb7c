"""Seeing what happens in production: traces through OpenTelemetry, errors to Sentry.

Off unless configured. With none of `OTEL_EXPORTER_OTLP_ENDPOINT`, `CLOUD_TRACE` and
`SENTRY_DSN` set, `install` imports neither the OpenTelemetry SDK nor sentry_sdk and patches
nothing, FastAPI's own tracing stays off, and the spans of tasks and ticks are one shared
no-op: the hot paths run as if this module did not exist.

With tracing on, one trace per request: FastAPI's server span (named by the route), its
dependency, endpoint and serialisation spans, a span per database statement (asyncpg, under
the ORM as under the hot paths), per Redis command and per outgoing HTTP call (which carries
`traceparent` on). An outbox task's span joins the trace of the request that enqueued it (when
this instance delivers it), a tick's starts its own. Spans leave in batches from a background
thread, over OTLP/HTTP to a collector, or to Cloud Trace through Google's OTLP endpoint;
their text is scrubbed on the way (`app.core.logging.scrub_text`). Log lines carry the span's
trace, which Cloud Logging links to Cloud Trace.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections import OrderedDict
from collections.abc import Callable, MutableMapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

# The API only (FastAPI imports it anyway); the SDK is imported by `install`, when configured.
from opentelemetry import trace
from opentelemetry.context import Context

from app.core.config import ConfigurationError
from app.core.logging import follow_spans, scrub_query, scrub_text

if TYPE_CHECKING:
    from fastapi.telemetry import TelemetryConfig
    from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter
    from opentelemetry.sdk.trace.sampling import Sampler
    from opentelemetry.util.types import Attributes

    from app.core.config import Settings

logger = logging.getLogger(__name__)

# Google's OTLP endpoint for Cloud Trace (the Telemetry API), which replaces the Cloud Trace
# exporter Google has deprecated.
CLOUD_TRACE_ENDPOINT = "https://telemetry.googleapis.com/v1/traces"
_CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
# Seconds one export may take: the batch thread waits, never a request.
_EXPORT_TIMEOUT = 5.0
# On shutdown, what is still queued gets this long to leave (inside Cloud Run's 10 s).
_FLUSH_MILLIS = 2000
# Probes every few seconds would be most of the traces, and say nothing.
_UNTRACED_PREFIXES = ("/health/",)
# Tasks whose enqueuing span is remembered, for their delivery by this instance.
_ORIGINS_KEPT = 10_000

# What task and tick code annotates (a no-op span when tracing is off).
Span = trace.Span

_tracer: trace.Tracer | None = None
_origins: OrderedDict[UUID, trace.SpanContext] = OrderedDict()
_NO_SPAN: AbstractContextManager[trace.Span] = contextlib.nullcontext(trace.INVALID_SPAN)


def tracing_configured(settings: Settings) -> bool:
    return bool(settings.otel_exporter_otlp_endpoint or settings.cloud_trace)


def configured(settings: Settings) -> bool:
    return tracing_configured(settings) or settings.sentry_dsn is not None


def fastapi_options(settings: Settings) -> TelemetryConfig:
    """FastAPI's own OpenTelemetry for an app with these settings: its request spans only
    when tracing is configured (they use the provider `install` sets), never its metrics or
    logs, which nothing here exports. Off, FastAPI skips it all per request at once."""
    return {
        "tracing": tracing_configured(settings),
        "metrics": False,
        "logs": False,
        "exclude": _untraced,
    }


def _untraced(scope: MutableMapping[str, Any]) -> bool:
    return str(scope.get("path", "")).startswith(_UNTRACED_PREFIXES)


@dataclass(frozen=True)
class Destination:
    """Where spans are exported, and the exporter that sends them there."""

    name: str
    endpoint: str
    exporter: SpanExporter
    # Resource attributes the destination needs (Cloud Trace: the project).
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass
class Installed:
    """What `install` set up, for the end of the process (and the tests)."""

    provider: TracerProvider | None = None
    destinations: list[Destination] = field(default_factory=list)
    # The libraries patched (opentelemetry-instrumentation's BaseInstrumentor).
    instrumentors: list[Any] = field(default_factory=list)
    sentry: bool = False
    stopped: bool = False

    def flush(self) -> None:
        """Sends what is queued now (spans and error reports)."""
        if self.provider is not None:
            self.provider.force_flush(_FLUSH_MILLIS)
        if self.sentry:
            from app.core import sentry

            sentry.flush()

    def shutdown(self) -> None:
        """Stops tracing and error reporting, sending what is queued first (blocking: call it
        from a thread)."""
        global _tracer
        if self.stopped:
            return
        self.stopped = True
        for instrumentor in self.instrumentors:
            instrumentor.uninstrument()
        follow_spans(None)
        _tracer = None
        _origins.clear()
        if self.provider is not None:
            self.provider.force_flush(_FLUSH_MILLIS)
            self.provider.shutdown()
        if self.sentry:
            from app.core import sentry

            sentry.close()


def install(settings: Settings) -> Installed | None:
    """Starts what the settings configure, once per process at start-up (before requests):
    None when nothing is."""
    if not configured(settings):
        return None
    installed = Installed()
    if tracing_configured(settings):
        _start_tracing(settings, installed)
    if settings.sentry_dsn is not None:
        from app.core import sentry

        sentry.install(settings)
        installed.sentry = True
    logger.info(
        "telemetry on",
        extra={
            "traces_to": [destination.name for destination in installed.destinations],
            "errors_to_sentry": installed.sentry,
        },
    )
    return installed


def destinations(settings: Settings) -> list[Destination]:
    """The span exporters the settings ask for (none sends anything until spans end)."""
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    found: list[Destination] = []
    if settings.otel_exporter_otlp_endpoint:
        # The standard variable names the collector's base URL; the SDK's own reading of it
        # appends the signal's path the same way.
        endpoint = settings.otel_exporter_otlp_endpoint.rstrip("/") + "/v1/traces"
        exporter = OTLPSpanExporter(endpoint=endpoint, timeout=_EXPORT_TIMEOUT)
        found.append(Destination("otlp", endpoint, exporter))
    if settings.cloud_trace:
        import google.auth
        from google.auth.transport.requests import AuthorizedSession

        # On Cloud Run: the service's account, from the metadata server.
        credentials, default_project = google.auth.default(scopes=[_CLOUD_PLATFORM_SCOPE])
        project = settings.gcp_project or default_project
        if not project:
            raise ConfigurationError("CLOUD_TRACE needs GCP_PROJECT (or credentials that name one)")
        exporter = OTLPSpanExporter(
            endpoint=CLOUD_TRACE_ENDPOINT,
            session=AuthorizedSession(credentials),  # type: ignore[no-untyped-call]
            timeout=_EXPORT_TIMEOUT,
        )
        found.append(
            Destination("cloud_trace", CLOUD_TRACE_ENDPOINT, exporter, {"gcp.project_id": project})
        )
    return found


def _start_tracing(settings: Settings, installed: Installed) -> None:
    global _tracer
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.propagate import set_global_textmap
    from opentelemetry.propagators.cloud_trace_propagator import CloudTraceOneWayPropagator
    from opentelemetry.propagators.composite import CompositePropagator
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    installed.destinations = destinations(settings)
    attributes: dict[str, str] = {
        "service.name": settings.otel_service_name,
        "deployment.environment.name": settings.env.value,
    }
    revision = os.environ.get("K_REVISION")  # Cloud Run's revision
    if revision:
        attributes["service.version"] = revision
    for destination in installed.destinations:
        attributes.update(destination.attributes)
    # A caller that sampled its trace (Cloud Run's front end, another service) is followed;
    # the rest, and traces that start here, are sampled at the ratio, by trace id, so every
    # service that samples by ratio keeps the same traces.
    ratio = TraceIdRatioBased(settings.traces_sample_ratio)
    provider = TracerProvider(
        resource=Resource.create(attributes),
        sampler=_without_orphans(ParentBased(root=ratio, remote_parent_not_sampled=ratio)),
    )
    for destination in installed.destinations:
        provider.add_span_processor(BatchSpanProcessor(_scrubbing(destination.exporter)))
    installed.provider = provider
    # FastAPI's request spans use the global provider.
    trace.set_tracer_provider(provider)
    # W3C `traceparent` in and out; Cloud Run's `X-Cloud-Trace-Context` read too, and
    # preferred, as the request log line does (Cloud Run's own request log uses it).
    set_global_textmap(
        CompositePropagator([TraceContextTextMapPropagator(), CloudTraceOneWayPropagator()])
    )
    asyncpg = AsyncPGInstrumentor()  # type: ignore[no-untyped-call]
    for instrumentor in (asyncpg, RedisInstrumentor(), HTTPXClientInstrumentor()):
        instrumentor.instrument(tracer_provider=provider)
        if instrumentor.is_instrumented_by_opentelemetry:
            installed.instrumentors.append(instrumentor)
        else:  # a version it does not support: said once, the rest is traced
            logger.warning(
                "not traced: %s", type(instrumentor).__name__, extra={"telemetry": "partial"}
            )
    _tracer = provider.get_tracer("app")
    follow_spans(_active_span)


def _without_orphans(sampler: Sampler) -> Sampler:
    """`sampler`, except that a statement or call outside any request, task or tick (the
    outbox sweep every few seconds, the broker's Redis reads) is not traced: each would be a
    trace of one span, saying nothing."""
    from opentelemetry.sdk.trace.sampling import Decision, Sampler, SamplingResult

    class WithoutOrphans(Sampler):
        def should_sample(
            self,
            parent_context: Context | None,
            trace_id: int,
            name: str,
            kind: trace.SpanKind | None = None,
            attributes: Attributes = None,
            links: Sequence[trace.Link] | None = None,
            trace_state: trace.TraceState | None = None,
        ) -> SamplingResult:
            if kind is trace.SpanKind.CLIENT and not _has_span(parent_context):
                return SamplingResult(Decision.DROP)
            return sampler.should_sample(
                parent_context, trace_id, name, kind, attributes, links, trace_state
            )

        def get_description(self) -> str:
            return f"WithoutOrphans{{{sampler.get_description()}}}"

    return WithoutOrphans()


def _has_span(context: Context | None) -> bool:
    return trace.get_current_span(context).get_span_context().is_valid


def _active_span() -> tuple[str, str, bool] | None:
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return (
        trace.format_trace_id(context.trace_id),
        trace.format_span_id(context.span_id),
        context.trace_flags.sampled,
    )


def remember_origin(message_id: UUID | None) -> None:
    """Called as a task is enqueued: its delivery by this instance joins this trace."""
    if _tracer is None or message_id is None:
        return
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        _origins[message_id] = context
        if len(_origins) > _ORIGINS_KEPT:
            _origins.popitem(last=False)


def task_span(message_id: UUID) -> AbstractContextManager[trace.Span]:
    """The span of one delivery of an outbox task (a shared no-op when tracing is off): a
    child of the span that enqueued it when known here, else of the current one (the
    `/internal/tasks` request of a Cloud Tasks delivery), else a trace of its own."""
    if _tracer is None:
        return _NO_SPAN
    origin = _origins.get(message_id)
    parent = trace.set_span_in_context(trace.NonRecordingSpan(origin)) if origin else None
    return _tracer.start_as_current_span(
        "task",
        context=parent,
        kind=trace.SpanKind.CONSUMER,
        attributes={"messaging.system": "outbox", "messaging.message.id": str(message_id)},
        record_exception=False,
    )


def forget_origin(message_id: UUID) -> None:
    _origins.pop(message_id, None)


def tick_span(name: str) -> AbstractContextManager[trace.Span]:
    """The span of one run of a periodic job: a trace of its own."""
    if _tracer is None:
        return _NO_SPAN
    return _tracer.start_as_current_span(
        f"tick {name}", context=Context(), attributes={"job": name}, record_exception=False
    )


def failed(span: trace.Span, exc: BaseException) -> None:
    """Marks a span failed by `exc`, naming its type only (messages may hold anything)."""
    if span.is_recording():
        kind = type(exc).__qualname__
        span.set_attribute("error.type", kind)
        span.set_status(trace.Status(trace.StatusCode.ERROR, kind))


def _scrubbing(exporter: SpanExporter) -> SpanExporter:
    """`exporter`, sending spans whose text is scrubbed: in the batch thread, not on the
    request's path."""
    from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

    class Scrubbing(SpanExporter):
        def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
            return exporter.export([_scrubbed(span) for span in spans])

        def shutdown(self) -> None:
            exporter.shutdown()

        def force_flush(self, timeout_millis: int = 30000) -> bool:
            return exporter.force_flush(timeout_millis)

    return Scrubbing()


def _scrubbed(span: ReadableSpan) -> ReadableSpan:
    from opentelemetry.sdk.trace import Event, ReadableSpan

    status = span.status
    if status.description:
        status = trace.Status(status.status_code, scrub_text(status.description))
    return ReadableSpan(
        name=span.name,
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=_scrubbed_attributes(span.attributes),
        events=[
            Event(event.name, _scrubbed_attributes(event.attributes), event.timestamp)
            for event in span.events
        ],
        links=span.links,
        kind=span.kind,
        status=status,
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


_SCRUBBERS: dict[str, Callable[[str], str]] = {"url.query": scrub_query}


def _scrubbed_attributes(attributes: Attributes) -> dict[str, Any]:
    if not attributes:
        return {}
    return {
        key: _SCRUBBERS.get(key, scrub_text)(value) if isinstance(value, str) else value
        for key, value in attributes.items()
    }


__all__ = [
    "CLOUD_TRACE_ENDPOINT",
    "Destination",
    "Installed",
    "Span",
    "configured",
    "destinations",
    "failed",
    "fastapi_options",
    "forget_origin",
    "install",
    "remember_origin",
    "task_span",
    "tick_span",
    "tracing_configured",
]
