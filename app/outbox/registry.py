"""Task handlers by name. The list of modules (app/modules.py) says which exist; nothing is
registered by importing a module."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

# The session.info key under which a session knows the task names it may enqueue.
KNOWN_TASKS = "outbox_known_tasks"


@dataclass(frozen=True)
class TaskContext:
    """What one delivery is about. A handler's collaborators (storage, email sender...) are
    its own arguments, bound where the modules are listed, not reached through this."""

    message_id: UUID
    name: str
    payload: dict[str, Any]
    dedup_key: str | None
    attempt: int
    # The handler's writes commit together with the message being marked done.
    session: AsyncSession


Handler = Callable[[TaskContext], Awaitable[None]]


@dataclass(frozen=True)
class Registration:
    handler: Handler
    # Clear the payload once delivered: it may hold an email body with a sign-in code.
    forget_payload: bool = False


Registry = dict[str, Registration]


def registry(*groups: Mapping[str, Registration]) -> Registry:
    """One registry from every module's handlers; a name declared twice is an error."""
    handlers: Registry = {}
    for group in groups:
        for name, registration in group.items():
            if name in handlers:
                raise RuntimeError(f"task {name!r} is declared twice")
            handlers[name] = registration
    return handlers
