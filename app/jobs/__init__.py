"""Batch entrypoints for Cloud Run Jobs: `python -m app.jobs <name>`.

Each job takes the runtime and returns a short summary; every job is idempotent, so a rerun
after a partial failure is safe. Jobs are listed with their module in app/modules.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.runtime import Runtime

Job = Callable[["Runtime"], Awaitable[str]]
