"""Examples of task delivery."""

from __future__ import annotations

from typing import Any

TASK_CALL: dict[str, Any] = {"id": "a4c1e9d2-6b3f-4e8a-b7d5-0c2f9e1a3b68"}

# Answers, as the demo gives them.
RUN_TASK_OUT: dict[str, Any] = {"outcome": "done"}
