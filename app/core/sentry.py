"""Errors reported to Sentry (with `SENTRY_DSN`), and the rule for what such a report may hold.

What is reported: every line logged at ERROR or above, with its exception and stack (an
unhandled error in a request, a task dead-lettered, a periodic job failing), tagged with the
request id and the trace id that find its logs and its trace. What it never holds: a child's
data, a token or an email address. Nothing of a request is collected (no body, headers,
cookies or client address), nor local variables, nor breadcrumbs of other log lines; and
`scrub_event` goes over all that is left before it is sent: request details down to method and
path, the user down to an id, nothing under a key named like a credential, contact details or
a child's data, and email addresses, tokens and URL query values cut out of every string.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from app.core.logging import current_trace_id, request_id_var, scrub

if TYPE_CHECKING:
    from sentry_sdk._types import Breadcrumb, BreadcrumbHint, Event, Hint

    from app.core.config import Settings

_FLUSH_SECONDS = 2.0


def install(settings: Settings) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.atexit import AtexitIntegration
    from sentry_sdk.integrations.dedupe import DedupeIntegration
    from sentry_sdk.integrations.excepthook import ExcepthookIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration
    from sentry_sdk.integrations.threading import ThreadingIntegration

    assert settings.sentry_dsn is not None
    sentry_sdk.init(
        dsn=settings.sentry_dsn.get_secret_value(),
        environment=settings.sentry_environment or settings.env.value,
        release=os.environ.get("SENTRY_RELEASE") or os.environ.get("K_REVISION"),
        # Nothing about a request, a user or a frame's variables is collected.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "off"}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": False,
        },
        include_local_variables=False,
        max_request_body_size="never",
        # Only what is listed: no framework, database or HTTP integration patches a hot
        # path or collects a request. Traces are OpenTelemetry's.
        default_integrations=False,
        auto_enabling_integrations=False,
        integrations=[
            # Log lines at ERROR become events; no line becomes a breadcrumb (every request's
            # lines would share one list, and the logs are in Cloud Logging anyway).
            LoggingIntegration(level=None, event_level=logging.ERROR),
            DedupeIntegration(),
            ExcepthookIntegration(),
            ThreadingIntegration(),
            AtexitIntegration(),
        ],
        auto_session_tracking=False,
        send_client_reports=False,
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
    )


def flush() -> None:
    import sentry_sdk

    sentry_sdk.flush(timeout=_FLUSH_SECONDS)


def close() -> None:
    """Sends what is queued, then reports nothing more."""
    import sentry_sdk

    sentry_sdk.get_client().close(timeout=_FLUSH_SECONDS)
    sentry_sdk.get_global_scope().set_client(None)


def scrub_event(event: Event, hint: Hint) -> Event:
    """The event as it may leave: see the module's docstring. Called by sentry_sdk for every
    error event before it is sent."""
    raw: dict[str, Any] = dict(event)
    request = raw.pop("request", None)
    if isinstance(request, dict):
        kept: dict[str, Any] = {}
        if "method" in request:
            kept["method"] = request["method"]
        if isinstance(request.get("url"), str):
            # Without query or fragment: a ticket, a signature or a search may be there.
            kept["url"] = urlunsplit(urlsplit(request["url"])._replace(query="", fragment=""))
        raw["request"] = kept
    user = raw.pop("user", None)
    if isinstance(user, dict) and user.get("id") is not None:
        raw["user"] = {"id": str(user["id"])}
    tags = dict(raw.get("tags") or {})
    request_id = request_id_var.get()
    if request_id:
        tags["request_id"] = request_id
    trace_id = current_trace_id()
    if trace_id:
        tags["trace_id"] = trace_id
    raw["tags"] = tags
    scrubbed: Event = scrub(raw)
    return scrubbed


def scrub_breadcrumb(crumb: Breadcrumb, hint: BreadcrumbHint) -> Breadcrumb:
    scrubbed: Breadcrumb = scrub(dict(crumb))
    return scrubbed
