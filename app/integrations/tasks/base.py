from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True)
class TaskRef:
    """A message ready for delivery: its outbox id and task name."""

    id: UUID
    name: str


class TaskBackend(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def submit(self, tasks: list[TaskRef]) -> None:
        """Hands committed messages over for delivery; must not raise for a delivery error."""
        ...
