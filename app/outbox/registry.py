"""Task handlers by name. The list of modules (app/modules.py) says which exist; nothing is
registered by importing a module."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.outbox import queries

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
    # A unit of work of its own, committed whatever becomes of this delivery.
    own_session: Callable[[], AbstractAsyncContextManager[AsyncSession]]

    def read(self, model: type[Model]) -> Model:
        """The payload as `model`; one it does not fit fails for good."""
        try:
            return model.model_validate(self.payload)
        except ValidationError as exc:
            raise UnreadablePayload(f"the payload does not fit {model.__name__}: {exc}") from exc

    async def once(self, effect: str, act: Callable[[], Awaitable[None]]) -> bool:
        """Runs `act` (an effect outside the database: an email handed to its provider)
        unless a delivery of this message already did; returns whether it ran now.

        The receipt is committed on its own as soon as `act` returns, so neither this
        delivery's rollback nor a retry after a crash repeats the effect. Once `act` has
        started, a cancellation (shutdown) waits for its outcome and its receipt: the
        provider may have the message already, and only the receipt can say so."""
        if await queries.receipt_exists(self.session, self.message_id, effect):
            return False

        async def act_and_record() -> None:
            await act()
            async with self.own_session() as own:
                await queries.record_receipt(own, self.message_id, effect)

        running = asyncio.ensure_future(act_and_record())
        try:
            await asyncio.shield(running)
        except asyncio.CancelledError:
            await asyncio.wait({running})
            if not running.cancelled():
                running.exception()  # seen: this delivery ends cancelled either way
            raise
        return True


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
