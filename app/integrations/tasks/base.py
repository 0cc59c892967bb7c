from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

logger = logging.getLogger(__name__)

# Under Cloud Run's 10 s between SIGTERM and SIGKILL.
DEFAULT_GRACE_SECONDS = 7.0

# Clears this instance's claim on messages it will not deliver (the outbox worker's release).
Release = Callable[[Sequence[UUID]], Awaitable[object]]


@dataclass(frozen=True)
class TaskRef:
    """A message ready for delivery: its outbox id and task name."""

    id: UUID
    name: str


class TaskBackend(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None:
        """Shutdown: takes nothing new, lets work under way finish within a grace period,
        and hands back what it did not do, for any instance to take at once."""
        ...

    async def submit(self, tasks: list[TaskRef]) -> None:
        """Hands committed messages over for delivery; must not raise for a delivery error."""
        ...


async def hand_back(release: Release | None, ids: Sequence[UUID]) -> None:
    """Clears this instance's claim on `ids`; a failure is logged (the sweep's redispatch
    after ten minutes is what is left then), never raised into a shutdown."""
    if release is None or not ids:
        return
    try:
        await release(list(ids))
    except Exception:
        logger.exception("could not hand tasks back", extra={"tasks": len(ids)})
    else:
        logger.info("tasks handed back", extra={"tasks": len(ids)})
