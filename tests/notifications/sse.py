"""A small server-sent events reader for the stream tests (over real HTTP)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx


@dataclass
class Event:
    event: str = "message"
    id: str | None = None
    data: str = ""
    retry: int | None = None
    comments: list[str] = field(default_factory=list)


async def read_events(response: httpx.Response) -> AsyncIterator[Event]:
    current = Event()
    async for line in response.aiter_lines():
        if line == "":
            yield current
            current = Event()
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "":
            current.comments.append(value)
        elif name == "event":
            current.event = value
        elif name == "id":
            current.id = value
        elif name == "data":
            current.data = value
        elif name == "retry":
            current.retry = int(value)


class Reader:
    """Reads one stream in the background; `take` waits for the next events."""

    def __init__(self, response: httpx.Response) -> None:
        self.queue: asyncio.Queue[Event] = asyncio.Queue()
        self.task = asyncio.create_task(self._run(response))

    async def _run(self, response: httpx.Response) -> None:
        async for event in read_events(response):
            await self.queue.put(event)

    async def take(self, count: int, seconds: float = 5.0) -> list[Event]:
        """The next `count` events, comments (heartbeats) skipped."""
        found: list[Event] = []
        while len(found) < count:
            event = await asyncio.wait_for(self.queue.get(), seconds)
            if event.comments and not event.data:
                continue
            found.append(event)
        return found

    async def close(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self.task


_readers: dict[int, Reader] = {}


async def collect(response: httpx.Response, until: int, seconds: float = 5.0) -> list[Event]:
    """The next `until` events of `response` (one background reader per response)."""
    reader = _readers.get(id(response))
    if reader is None or (reader.task.done() and reader.queue.empty()):
        reader = _readers[id(response)] = Reader(response)
    return await reader.take(until, seconds)
