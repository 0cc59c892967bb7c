"""Examples of this module's answers."""

from __future__ import annotations

from typing import Any

# Answers, as the demo gives them.
HEALTH_LIVE_OUT: dict[str, Any] = {"status": "ok", "checks": {}}
HEALTH_READY_OUT: dict[str, Any] = {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}
