"""Database engine, the per-request unit of work, and raw asyncpg access for hot paths."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Annotated, Any

import asyncpg
import sqlalchemy as sa
from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.core.config import Settings
from app.core.errors import DATABASE_OUTAGE_ERRORS, Conflict, DatabaseUnavailable
from app.core.schema import metadata

__all__ = ["Database", "DatabaseDep", "SessionDep", "create_engine", "metadata"]

AfterCommitHook = Callable[[AsyncSession], Awaitable[None]]


# asyncpg errors that mean a connection could not be made: refused, timed out, no socket
# (the embedded server's Unix socket is gone while it is down), or the server says no.
_CONNECT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    asyncio.TimeoutError,
    *DATABASE_OUTAGE_ERRORS,
)


logger = logging.getLogger(__name__)

_WARN_EVERY_SECONDS = 10.0
_warned_at = -_WARN_EVERY_SECONDS


def _unavailable(exc: BaseException) -> DatabaseUnavailable:
    """The 503 for a failed connect; logged at most every few seconds while it lasts."""
    global _warned_at
    now = time.monotonic()
    if now - _warned_at >= _WARN_EVERY_SECONDS:
        _warned_at = now
        logger.warning("database unreachable: answering 503", extra={"error": repr(exc)})
    return DatabaseUnavailable()


def _connector(
    url: str, timeout: float, server_settings: dict[str, str]
) -> Callable[[], Awaitable[asyncpg.Connection[Any]]]:
    """asyncpg's connect with a bounded timeout (its default is a minute), whose failure is a
    503 for the request that needed it rather than a 500."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)

    async def connect() -> asyncpg.Connection[Any]:
        try:
            return await asyncpg.connect(dsn, timeout=timeout, server_settings=server_settings)
        except _CONNECT_ERRORS as exc:
            raise _unavailable(exc) from exc

    return connect


def _drop_closed(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    """On checkout: a connection whose server has gone (a restart, a failover, a proxy that
    dropped it) is replaced before the request sees it. asyncpg learns of a closed socket by
    itself, so this costs no round trip; `pool_pre_ping`'s `SELECT 1` on every checkout was
    an eighth of a write request's CPU (bench/README.md). A connection that died silently is
    still caught at its first statement, which invalidates the pool (a 503 for that request),
    and `pool_recycle` bounds how long any connection lives."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the server closed this connection")


def create_engine(settings: Settings, url: str) -> AsyncEngine:
    engine = create_async_engine(
        url,
        echo=settings.db_echo,
        # The pool must hold as many connections as requests in flight per worker: a queue
        # in front of the async pool turned into multi-second p99s under load.
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        pool_recycle=settings.db_pool_recycle,
        # A connection is never waited for longer than a free slot is.
        async_creator=_connector(
            url, settings.db_pool_timeout, {"application_name": "wonderspaced"}
        ),
    )
    # Retried by the pool with a new connection (up to three times).
    event.listen(engine.sync_engine.pool, "checkout", _drop_closed)
    return engine


def create_sessionmaker(bind: AsyncEngine | AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(bind=bind, expire_on_commit=False, autoflush=False)


async def _driver_connection(conn: AsyncConnection) -> asyncpg.Connection[Any]:
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    return driver


async def _nothing_to_reset(conn: asyncpg.Connection[Any]) -> None:
    """asyncpg still rolls back an open transaction on release; see Database._open_pool."""


class Database:
    """Holds the engine and session factory of one running app."""

    def __init__(self, engine: AsyncEngine, bind: AsyncConnection | None = None) -> None:
        """`bind` pins every session to one connection: tests run each case inside a
        transaction that is rolled back afterwards."""
        self.engine = engine
        self.bind = bind
        if bind is None:
            self.sessionmaker = create_sessionmaker(engine)
        else:
            self.sessionmaker = async_sessionmaker(
                bind=bind,
                expire_on_commit=False,
                autoflush=False,
                join_transaction_mode="create_savepoint",
            )
        # Called after every successful request commit (e.g. the outbox dispatcher).
        self.after_commit: list[AfterCommitHook] = []
        # The plain asyncpg pools by read-only or not, opened on first use.
        self._pools: dict[bool, asyncpg.Pool[Any]] = {}
        self._pool_lock = asyncio.Lock()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A unit of work outside a request (jobs, task handlers): commits or rolls back."""
        async with self.sessionmaker() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
        await self.run_after_commit(session)

    async def run_after_commit(self, session: AsyncSession) -> None:
        for hook in self.after_commit:
            await hook(session)

    def raw_connection(self) -> AbstractAsyncContextManager[asyncpg.Connection[Any]]:
        """A pooled asyncpg connection for hot read paths where the ORM costs too much. It is
        read-only, and must not change session settings (nothing resets them)."""
        return self._pooled(read_only=True)

    def write_connection(self) -> AbstractAsyncContextManager[asyncpg.Connection[Any]]:
        """A pooled asyncpg connection that may write, for the hottest writes (a heartbeat,
        a quiz answer: app/profiles/front.py). Each statement commits by itself unless the
        caller opens `conn.transaction()`; an open transaction is rolled back on release.
        Like the read pool it has no reset query, so nothing may change session settings,
        take session-level advisory locks or LISTEN on it."""
        return self._pooled(read_only=False)

    @asynccontextmanager
    async def _pooled(self, *, read_only: bool) -> AsyncIterator[asyncpg.Connection[Any]]:
        if self.bind is not None:
            yield await _driver_connection(self.bind)
            return
        # A plain asyncpg pool beside the engine's: no pre-ping round trip and no SQLAlchemy
        # wrapper per checkout, which measured as a third of a list request's time.
        try:
            pool = self._pools.get(read_only) or await self._open_pool(read_only)
            # Bounded like the engine's pool: a full pool is a 503, not a request that hangs.
            conn = await pool.acquire(timeout=self._timeout)
        except _CONNECT_ERRORS as exc:
            raise _unavailable(exc) from exc
        try:
            yield conn
        except DATABASE_OUTAGE_ERRORS as exc:  # the server went away mid-query
            raise _unavailable(exc) from exc
        finally:
            await pool.release(conn)

    @property
    def _timeout(self) -> float:
        timeout: float = getattr(self.engine.pool, "timeout", lambda: 30.0)()
        return timeout

    async def _open_pool(self, read_only: bool) -> asyncpg.Pool[Any]:
        async with self._pool_lock:
            pool = self._pools.get(read_only)
            if pool is None:
                url = self.engine.url.set(drivername="postgresql")
                pool = self._pools[read_only] = await asyncpg.create_pool(
                    url.render_as_string(hide_password=False),
                    # No floor to keep: asyncpg would retry it in the background, with a
                    # traceback each time, all through a database outage.
                    min_size=0,
                    max_size=self.engine.pool.size(),  # type: ignore[attr-defined]
                    # What runs on these connections leaves nothing behind (no session
                    # settings, no advisory locks, no LISTEN), so a released connection needs
                    # no reset query: asyncpg's default sends one more round trip per checkout.
                    reset=_nothing_to_reset,
                    timeout=self._timeout,
                    server_settings={
                        "application_name": "wonderspaced-hot"
                        if read_only
                        else "wonderspaced-hot-rw",
                        "default_transaction_read_only": "on" if read_only else "off",
                    },
                )
            return pool

    async def dispose(self) -> None:
        for pool in self._pools.values():
            await pool.close()
        await self.engine.dispose()


async def session_driver(session: AsyncSession) -> asyncpg.Connection[Any]:
    """The asyncpg connection under the session, inside the request's transaction: for the
    fixed statements a module runs with asyncpg in the same unit of work (see its queries.py)."""
    conn = await session.connection()
    driver = await _driver_connection(conn)
    if not driver.is_in_transaction():
        # SQLAlchemy opens the transaction on its first statement: make sure it has.
        await conn.execute(sa.text("SELECT 1"))
    return driver


async def flush_unique(session: AsyncSession, constraint: str, message: str, code: str) -> None:
    """Flushes; a violation of the named unique constraint becomes a 409 with this message
    and code, and the savepoint keeps the rest of the transaction usable."""
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        if constraint in str(exc.orig):
            raise Conflict(message, code=code) from exc
        raise


async def get_database(request: Request) -> Database:
    return database_of(request)


def database_of(request: Request) -> Database:
    db: Database = request.app.state.runtime.db
    return db


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request, committed once before the response is sent.

    `scope="function"` below makes the code after `yield` run before the response goes out,
    so a failing commit becomes an error response instead of following a 200.
    """
    db = database_of(request)
    async with db.sessionmaker() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        await session.commit()
    await db.run_after_commit(session)


SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]
DatabaseDep = Annotated[Database, Depends(get_database)]
