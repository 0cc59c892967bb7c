"""Database engine, the per-request unit of work, and raw asyncpg access for hot paths."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.core.config import Settings
from app.core.errors import Conflict
from app.core.schema import metadata

__all__ = ["Database", "DatabaseDep", "SessionDep", "create_engine", "metadata"]

AfterCommitHook = Callable[[AsyncSession], Awaitable[None]]


def create_engine(settings: Settings, url: str) -> AsyncEngine:
    return create_async_engine(
        url,
        echo=settings.db_echo,
        # The pool must hold as many connections as requests in flight per worker: a queue
        # in front of the async pool turned into multi-second p99s under load.
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        pool_recycle=settings.db_pool_recycle,
        pool_pre_ping=True,
        connect_args={"server_settings": {"application_name": "wonderspaced"}},
    )


def create_sessionmaker(bind: AsyncEngine | AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(bind=bind, expire_on_commit=False, autoflush=False)


async def _driver_connection(conn: AsyncConnection) -> asyncpg.Connection[Any]:
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    return driver


async def _nothing_to_reset(conn: asyncpg.Connection[Any]) -> None:
    """asyncpg still rolls back an open transaction on release; see _open_hot_pool."""


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
        self._hot_pool: asyncpg.Pool[Any] | None = None
        self._hot_pool_lock = asyncio.Lock()

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

    @asynccontextmanager
    async def raw_connection(self) -> AsyncIterator[asyncpg.Connection[Any]]:
        """A pooled asyncpg connection for hot read paths where the ORM costs too much. It is
        read-only, and must not change session settings (nothing resets them)."""
        if self.bind is not None:
            yield await _driver_connection(self.bind)
            return
        # A plain asyncpg pool beside the engine's: no pre-ping round trip and no SQLAlchemy
        # wrapper per checkout, which measured as a third of a list request's time.
        pool = self._hot_pool or await self._open_hot_pool()
        async with pool.acquire() as conn:
            yield conn

    async def _open_hot_pool(self) -> asyncpg.Pool[Any]:
        async with self._hot_pool_lock:
            if self._hot_pool is None:
                url = self.engine.url.set(drivername="postgresql")
                self._hot_pool = await asyncpg.create_pool(
                    url.render_as_string(hide_password=False),
                    min_size=1,
                    max_size=self.engine.pool.size(),  # type: ignore[attr-defined]
                    # Read-only sessions can leave nothing behind (no writes, no advisory
                    # locks, no LISTEN), so a released connection needs no reset query:
                    # asyncpg's default sends one more round trip per checkout.
                    reset=_nothing_to_reset,
                    server_settings={
                        "application_name": "wonderspaced-hot",
                        "default_transaction_read_only": "on",
                    },
                )
            return self._hot_pool

    async def dispose(self) -> None:
        if self._hot_pool is not None:
            await self._hot_pool.close()
        await self.engine.dispose()


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
