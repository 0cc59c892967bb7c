"""Task handlers by name. The list of modules (app/modules.py) says which exist; nothing is
registered by importing a module."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

# The session.info key under which a session knows the task names it may enqueue.
KNOWN_TASKS = "outbox_known_tasks"

Model = TypeVar("Model", bound=BaseModel)


class PermanentTaskError(Exception):
    """A failure that no retry can cure: the message is dead-lettered at once (and Cloud
    Tasks gets a 2xx, so it does not try again). Raise it, or a subclass, from a handler."""


class UnreadablePayload(PermanentTaskError, KeyError):
    """The payload lacks what the handler reads, or holds it in a shape it cannot use."""

    def __str__(self) -> str:
        # KeyError's own str() quotes the message.
        return str(self.args[0]) if self.args else ""


class Payload(dict[str, Any]):
    """A message's payload: a missing key is a permanent failure, not one to retry."""

    def __missing__(self, key: str) -> Any:
        raise UnreadablePayload(f"the payload has no {key!r}")


@dataclass(frozen=True)
class TaskContext:
    """What one delivery is about. A handler's collaborators (storage, email sender...) are
    its own arguments, bound where the modules are listed, not reached through this."""

    message_id: UUID
    name: str
    payload: Payload
    dedup_key: str | None
    attempt: int
    # The handler's writes commit together with the message being marked done.
    session: AsyncSession

    def read(self, model: type[Model]) -> Model:
        """The payload as `model`; one it does not fit fails for good."""
        try:
            return model.model_validate(self.payload)
        except ValidationError as exc:
            raise UnreadablePayload(f"the payload does not fit {model.__name__}: {exc}") from exc


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
