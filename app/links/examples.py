"""Examples of the share links' operations."""

from __future__ import annotations

from typing import Any

DISABLE_IN: dict[str, Any] = {"code": "k7Qm2xPa"}
