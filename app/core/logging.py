"""JSON-lines logging for Cloud Logging, with the request id and trace on every line.

Cloud Logging reads `severity`, `message` and `logging.googleapis.com/trace` from each line.
Tokens and passwords never reach a log: a filter masks anything that looks like one.
"""

from __future__ import annotations

import json
import logging
import re
import sys
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


def redact(text: str) -> str:
    text = _SECRET_PATTERNS[0].sub("[redacted-jwt]", text)
    text = _SECRET_PATTERNS[1].sub(r"\1[redacted]", text)
    return _SECRET_PATTERNS[2].sub(r"\1[redacted]", text)


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
