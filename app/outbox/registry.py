"""Task handlers by name. Each domain registers its handlers in its own `tasks.py`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from app.runtime import Runtime


@dataclass(frozen=True)
class TaskContext:
    message_id: UUID
    name: str
    payload: dict[str, Any]
    dedup_key: str | None
    attempt: int
    # The handler's writes commit together with the message being marked done.
    session: AsyncSession
    runtime: Runtime


Handler = Callable[[TaskContext], Awaitable[None]]


@dataclass(frozen=True)
class Registration:
    handler: Handler
    # Clear the payload once delivered: it may hold an email body with a sign-in code.
    forget_payload: bool = False


_handlers: dict[str, Registration] = {}


def task(name: str, *, forget_payload: bool = False) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        existing = _handlers.get(name)
        if existing and existing.handler is not handler:
            raise RuntimeError(f"task {name!r} is registered twice")
        _handlers[name] = Registration(handler, forget_payload)
        return handler

    return register


def get_registration(name: str) -> Registration | None:
    return _handlers.get(name)


def is_registered(name: str) -> bool:
    return name in _handlers
