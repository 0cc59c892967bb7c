"""JSON-lines logging for Cloud Logging, with the request id and trace on every line.

Cloud Logging reads `severity`, `message` and `logging.googleapis.com/trace` from each line
(and, with tracing on, `spanId` and `trace_sampled`, which link the line to its span in Cloud
Trace). Tokens and passwords never reach a log: a filter masks anything that looks like one.

What leaves the process for someone else's service (an error report, a trace) is scrubbed
harder (`scrub`): email addresses, tokens, URL query values and any value kept under a key
named like a secret or a child's data go too.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
trace_var: ContextVar[str | None] = ContextVar("trace", default=None)

_SECRET_PATTERNS = (
    # JWTs (three base64url parts, the first a JSON header)
    re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"),
    # bearer credentials
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    # key=value or "key": "value" for secret-ish keys
    re.compile(
        r"(?i)((?:password|passwd|secret|token|api[_-]?key|authorization|code)"
        r"[\"']?\s*[:=]\s*[\"']?)[^\s\"',&}]+"
    ),
)

_RESERVED = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}

# The active span as (trace id, span id, sampled), set while tracing is on: a line's trace is
# then the span's (the incoming header's when it had one, a new one for a task or a tick).
SpanSource = Callable[[], tuple[str, str, bool] | None]
_span_source: SpanSource | None = None


def follow_spans(source: SpanSource | None) -> None:
    global _span_source
    _span_source = source


def current_trace_id() -> str | None:
    """The trace this code runs in: the active span's, else the incoming request header's."""
    span = _span_source() if _span_source is not None else None
    return span[0] if span is not None else trace_var.get()


def redact(text: str) -> str:
    text = _SECRET_PATTERNS[0].sub("[redacted-jwt]", text)
    text = _SECRET_PATTERNS[1].sub(r"\1[redacted]", text)
    return _SECRET_PATTERNS[2].sub(r"\1[redacted]", text)


FILTERED = "[Filtered]"
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# A value in a URL's query: a signed URL's signature, a ticket, a search a child typed.
_QUERY_VALUE = re.compile(r"([?&][^=&#\s?]+=)[^&#\s\"'<>]+")
# Keys whose values never leave the process, whatever they hold: credentials, contact
# details and a child's data. `pin` and `code` as words only (not `ping`, `errorCode`).
_SENSITIVE_KEY = re.compile(
    r"(?i)mail|passw|pwd|secret|token|jwt|bearer|authori[sz]ation|cookie|session|ticket"
    r"|nick|api.?key|credential|birth|(?:display|full|first|last|given|family|child).?name"
    r"|(?:^|[^a-z])(?:pin|code)s?(?:[^a-z]|$)"
)


def scrub_text(text: str) -> str:
    """`redact`, and email addresses and every URL query value as well."""
    return _QUERY_VALUE.sub(r"\1[redacted]", _EMAIL.sub("[email]", redact(text)))


def scrub_query(query: str) -> str:
    """A query string with its keys kept and every value redacted."""
    return _QUERY_VALUE.sub(r"\1[redacted]", "?" + query)[1:]


def sensitive_key(key: str) -> bool:
    return _SENSITIVE_KEY.search(key) is not None


def scrub(value: Any) -> Any:
    """A copy of `value` (JSON-like data) fit to leave the process: under a sensitive key
    nothing is kept, and every string is `scrub_text`-ed."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, Mapping):
        return {
            key: FILTERED if isinstance(key, str) and sensitive_key(key) else scrub(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value


class JsonFormatter(logging.Formatter):
    def __init__(self, gcp_project: str | None = None) -> None:
        super().__init__()
        self.gcp_project = gcp_project

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "severity": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        span = _span_source() if _span_source is not None else None
        if span is not None:
            trace: str | None = span[0]
            entry["logging.googleapis.com/spanId"] = span[1]
            entry["logging.googleapis.com/trace_sampled"] = span[2]
        else:
            trace = trace_var.get()
        if trace:
            entry["logging.googleapis.com/trace"] = (
                f"projects/{self.gcp_project}/traces/{trace}" if self.gcp_project else trace
            )
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO", gcp_project: str | None = None) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(gcp_project))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's access log repeats what the request log line says, and may carry query strings
    logging.getLogger("uvicorn.access").disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
