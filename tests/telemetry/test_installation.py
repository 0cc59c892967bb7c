"""What is installed, and when: nothing at all unless configured; with tracing, every
instrumentation; Cloud Trace through Google's OTLP endpoint (configuration only: nothing is
sent to the internet from a test)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import httpx
import pytest
import redis.asyncio
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import TracerProvider

from app.core import telemetry
from app.core.config import Settings
from tests.support.google_keys import GoogleSigner
from tests.telemetry.conftest import Observe
from tests.telemetry.receivers import OtlpCollector

ROOT = Path(__file__).resolve().parents[2]

# Run in a process of its own: this one has imported the SDK for the other tests. (redis-py
# imports the SDK's metrics package by itself when it is installed, and uses it only when
# an application turns its metrics on: not ours.)
UNCONFIGURED = """
import json, sys
from uuid import uuid4

import asyncpg, httpx, redis.asyncio
from opentelemetry import trace

from app.api import create_app
from app.core import logging as app_logging, telemetry
from app.core.config import Settings

settings = Settings(
    _env_file=None, env="test", otel_exporter_otlp_endpoint=None, cloud_trace=False,
    sentry_dsn=None,
)
app = create_app(settings=settings)
installed = telemetry.install(settings)
print(json.dumps({
    "installed": installed is not None,
    "loaded": sorted(
        name for name in sys.modules
        if name.startswith((
            "opentelemetry.sdk.trace", "opentelemetry.instrumentation", "opentelemetry.exporter",
            "opentelemetry.propagators.cloud_trace_propagator", "sentry_sdk",
        ))
    ),
    "patched": [
        name for name, function in {
            "asyncpg": asyncpg.Connection.execute,
            "asyncpg prepared": asyncpg.prepared_stmt.PreparedStatement.fetch,
            "httpx": httpx.AsyncHTTPTransport.handle_async_request,
            "redis": redis.asyncio.Redis.execute_command,
        }.items()
        if type(function).__name__.endswith("FunctionWrapper")
    ],
    "provider": type(trace.get_tracer_provider()).__name__,
    "fastapi_tracing": app._telemetry["tracing"],
    "shared_no_op_span": telemetry.task_span(uuid4()) is telemetry.tick_span("any"),
    "log_lines_follow_spans": app_logging._span_source is not None,
}))
"""


def test_nothing_is_installed_or_imported_when_not_configured() -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OTEL_", "SENTRY_", "CLOUD_TRACE"))
    }
    done = subprocess.run(
        [sys.executable, "-c", UNCONFIGURED],
        cwd=ROOT,
        env={**env, "ENV": "test"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {
        "installed": False,
        "loaded": [],
        "patched": [],
        "provider": "ProxyTracerProvider",
        "fastapi_tracing": False,
        "shared_no_op_span": True,
        "log_lines_follow_spans": False,
    }


def patched_functions() -> tuple[object, ...]:
    """What the instrumentations wrap: statements (plain and prepared), HTTP calls, Redis."""
    return (
        asyncpg.Connection.execute,
        asyncpg.prepared_stmt.PreparedStatement.fetch,
        httpx.AsyncHTTPTransport.handle_async_request,
        redis.asyncio.Redis.execute_command,
    )


def _patched(function: object) -> bool:
    """Wrapped by the instrumentations (wrapt's function wrappers)."""
    return type(function).__name__.endswith("FunctionWrapper")


def test_tracing_installs_every_instrumentation(
    observe: Observe, collector: OtlpCollector, settings: Settings
) -> None:
    installed = observe(otel_exporter_otlp_endpoint=collector.url)
    assert isinstance(trace.get_tracer_provider(), TracerProvider)
    assert [type(i).__name__ for i in installed.instrumentors] == [
        "AsyncPGInstrumentor",
        "RedisInstrumentor",
        "HTTPXClientInstrumentor",
    ]
    for function in patched_functions():
        assert _patched(function)
    (destination,) = installed.destinations
    assert destination.name == "otlp"
    assert destination.endpoint == f"{collector.url}/v1/traces"
    configured = settings.model_copy(update={"otel_exporter_otlp_endpoint": collector.url})
    assert telemetry.fastapi_options(configured)["tracing"] is True

    # Shutting down puts the libraries back as they were.
    installed.shutdown()
    assert not any(_patched(function) for function in patched_functions())


def _service_account(tmp_path: Path, signer: GoogleSigner) -> Path:
    path = tmp_path / "service-account.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "wonderspaced-from-key",
                "private_key_id": signer.kid,
                "private_key": signer.private_pem.decode(),
                "client_email": "api@wonderspaced-from-key.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )
    return path


def test_cloud_trace_goes_to_googles_otlp_endpoint(
    settings: Settings,
    tmp_path: Path,
    google_signer: GoogleSigner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The service's credentials as Cloud Run's metadata server would give them; nothing is
    # exported, so no token is ever asked for.
    monkeypatch.setenv(
        "GOOGLE_APPLICATION_CREDENTIALS", str(_service_account(tmp_path, google_signer))
    )
    cloud = settings.model_copy(update={"cloud_trace": True, "gcp_project": None})
    assert telemetry.tracing_configured(cloud)
    (destination,) = telemetry.destinations(cloud)
    assert destination.name == "cloud_trace"
    assert destination.endpoint == telemetry.CLOUD_TRACE_ENDPOINT
    assert destination.endpoint == "https://telemetry.googleapis.com/v1/traces"
    assert isinstance(destination.exporter, OTLPSpanExporter)
    # Google's endpoint files spans under the resource's project: the credentials' ...
    assert destination.attributes == {"gcp.project_id": "wonderspaced-from-key"}
    destination.exporter.shutdown()
    # ... unless GCP_PROJECT names one.
    named = cloud.model_copy(update={"gcp_project": "wonderspaced-prod"})
    (destination,) = telemetry.destinations(named)
    assert destination.attributes == {"gcp.project_id": "wonderspaced-prod"}
    destination.exporter.shutdown()


def test_sample_ratio_is_a_share() -> None:
    with pytest.raises(ValueError, match="less than or equal to 1"):
        Settings(_env_file=None, traces_sample_ratio=1.5)  # type: ignore[call-arg]
