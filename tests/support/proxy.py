"""A TCP proxy the tests switch off and on, to cut the app off from PostgreSQL or Redis."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Awaitable, Callable

Connector = Callable[[], Awaitable[tuple[asyncio.StreamReader, asyncio.StreamWriter]]]


class Proxy:
    def __init__(self, connect: Connector) -> None:
        self.connect = connect
        self.server: asyncio.Server | None = None
        self.port = 0
        self.writers: set[asyncio.StreamWriter] = set()
        self._up: object | None = None  # which start() the proxy is in; None while stopped

    async def start(self) -> None:
        up = self._up = object()
        serve = functools.partial(self._serve, up)
        self.server = await asyncio.start_server(serve, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Refuses new connections and cuts the open ones, like a dependency going down.

        The connections are cut before waiting for the server: since Python 3.12.1,
        `Server.wait_closed()` returns only once every connection it accepted has ended, so
        waiting first (as this did) never returned on 3.12 and later."""
        server, self.server, self._up = self.server, None, None
        if server:
            server.close()
        for writer in list(self.writers):
            writer.close()
        self.writers.clear()
        if server:
            await server.wait_closed()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def _serve(
        self, up: object, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        # Known before the upstream connect, so a stop() meanwhile cuts this one too; one
        # accepted just before a stop() is cut here.
        self.writers.add(writer)
        try:
            if up is not self._up:
                return
            try:
                up_reader, up_writer = await self.connect()
            except OSError:
                return  # the dependency itself is down: the client sees the connection cut
            if up is not self._up:
                up_writer.close()
                return
            self.writers.add(up_writer)
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
            self.writers.discard(up_writer)
        finally:
            writer.close()
            self.writers.discard(writer)
