"""The database: one engine and its one pool, the per-request unit of work, and deadlines.

Every connection of an instance comes from the engine's pool (`DB_POOL_SIZE` +
`DB_MAX_OVERFLOW` at the most), whether it carries an ORM session or plain asyncpg statements:
one budget to size CloudSQL from. A request has one unit of work (`Work`), and through it one
connection for everything it reads and writes.

Every statement has a deadline: PostgreSQL's `statement_timeout` cancels a slow one on the
server, and asyncpg's `command_timeout` (a little later) gives up on a server that does not
answer at all (frozen, cut off). Either is a 503 with Retry-After for the request, its
transaction is not committed, and a connection that timed out on the client is dropped rather
than reused half-way through a statement.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

import asyncpg
import sqlalchemy as sa
from fastapi import Depends, Request
from sqlalchemy import event
from sqlalchemy.engine import Connection as SyncConnection
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import PoolProxiedConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.config import Settings
from app.core.errors import DATABASE_OUTAGE_ERRORS, Conflict, DatabaseUnavailable
from app.core.schema import metadata

if TYPE_CHECKING:
    Connection: TypeAlias = asyncpg.Connection[Any]
else:  # generic only to type checkers; FastAPI evaluates a dependency's annotations
    Connection = asyncpg.Connection

__all__ = [
    "Connection",
    "ConnectionDep",
    "Database",
    "SessionDep",
    "TransactionDep",
    "Work",
    "WorkDep",
    "create_engine",
    "metadata",
]

AfterCommitHook = Callable[[AsyncSession], Awaitable[None]]

# What says a connection could not be made or used: refused, timed out, no socket (the
# embedded server's Unix socket is gone while it is down), the server says no, or the pool
# had no free connection within DB_POOL_TIMEOUT.
_CONNECT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    asyncio.TimeoutError,
    PoolTimeout,
    *DATABASE_OUTAGE_ERRORS,
)
# A statement that met its deadline: on the server (statement_timeout cancelled it) or on
# the client (no answer within command_timeout).
_DEADLINE_ERRORS: tuple[type[BaseException], ...] = (
    asyncio.TimeoutError,
    asyncpg.QueryCanceledError,
)
# The client's deadline is the server's plus this: the server's cancel, which leaves the
# connection usable, comes first whenever the server is there to send it.
_CLIENT_GRACE_SECONDS = 1.0

logger = logging.getLogger(__name__)

_WARN_EVERY_SECONDS = 10.0
_warned_at = -_WARN_EVERY_SECONDS


def _unavailable(exc: BaseException) -> DatabaseUnavailable:
    """The 503 for a database that cannot serve; logged at most every few seconds."""
    global _warned_at
    now = time.monotonic()
    if now - _warned_at >= _WARN_EVERY_SECONDS:
        _warned_at = now
        logger.warning("database unavailable: answering 503", extra={"error": repr(exc)})
    return DatabaseUnavailable()


def _server_settings(settings: Settings) -> dict[str, str]:
    return {
        "application_name": "wonderspaced",
        "statement_timeout": str(int(settings.db_statement_timeout * 1000)),
    }


def _connector(url: str, settings: Settings) -> Callable[[], Awaitable[asyncpg.Connection[Any]]]:
    """asyncpg's connect with a bounded timeout (its default is a minute) and the statement
    deadlines; a failed connect is a 503 for the request that needed it, not a 500."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)

    async def connect() -> asyncpg.Connection[Any]:
        try:
            return await asyncpg.connect(
                dsn,
                timeout=settings.db_pool_timeout,
                command_timeout=settings.db_statement_timeout + _CLIENT_GRACE_SECONDS,
                server_settings=_server_settings(settings),
            )
        except _CONNECT_ERRORS as exc:
            raise _unavailable(exc) from exc

    return connect


def _drop_closed(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    """On checkout: a connection whose server has gone (a restart, a failover, a proxy that
    dropped it) is replaced before the request sees it. asyncpg learns of a closed socket by
    itself, so this costs no round trip; `pool_pre_ping`'s `SELECT 1` on every checkout was
    an eighth of a write request's CPU (bench/README.md). A connection that died silently is
    still caught at its first statement, which invalidates it (a 503 for that request), and
    `pool_recycle` bounds how long any connection lives."""
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
        async_creator=_connector(url, settings),
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


class Database:
    """The engine of one running app, its sessions and its unit of work."""

    def __init__(self, engine: AsyncEngine, bind: AsyncConnection | None = None) -> None:
        """`bind` pins every session and connection to one connection: tests run each case
        inside a transaction that is rolled back afterwards."""
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
        # Called after every successful commit of a unit of work (the outbox dispatcher,
        # cache invalidation, revocations, stream doorbells).
        self.after_commit: list[AfterCommitHook] = []

    def work(self) -> Work:
        return Work(self)

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
        """A pooled asyncpg connection outside a request's unit of work (the revocation
        check before routing, a live stream between reads): each statement commits by
        itself; an open transaction is rolled back on release."""
        return self._raw()

    @asynccontextmanager
    async def _raw(self) -> AsyncIterator[asyncpg.Connection[Any]]:
        if self.bind is not None:
            yield await _driver_connection(self.bind)
            return
        fairy = await self._checkout()
        ok = False
        try:
            yield _driver_of(fairy)
            ok = True
        except _DEADLINE_ERRORS as exc:
            raise _unavailable(exc) from exc
        except DATABASE_OUTAGE_ERRORS as exc:  # the server went away mid-query
            raise _unavailable(exc) from exc
        finally:
            await _release(fairy, healthy=ok)

    async def _checkout(self) -> PoolProxiedConnection:
        """A connection of the engine's pool without SQLAlchemy's Connection around it: as
        cheap as asyncpg's own pool (measured), and counted in the same budget."""
        try:
            return await self.engine.raw_connection()
        except _CONNECT_ERRORS as exc:
            raise _unavailable(exc) from exc

    async def dispose(self) -> None:
        await self.engine.dispose()


def _driver_of(fairy: PoolProxiedConnection) -> asyncpg.Connection[Any]:
    driver: asyncpg.Connection[Any] = fairy.driver_connection
    return driver


async def _release(fairy: PoolProxiedConnection, *, healthy: bool) -> None:
    """Back to the pool, out of any transaction; a connection that failed mid-statement (a
    deadline met on the client, a lost server) is closed instead of being reused."""
    driver = _driver_of(fairy)
    if healthy and not driver.is_closed() and driver.is_in_transaction():
        try:
            await driver.execute("ROLLBACK")
        except Exception:  # dropped below instead
            healthy = False
    if not healthy or driver.is_closed():
        driver.terminate()  # no round trip: a frozen server cannot hold this up
        fairy.invalidate()
    fairy.close()


class Work:
    """One request's unit of work: one connection, lazily taken from the pool.

    `connection()` answers the asyncpg connection (statements commit by themselves unless a
    transaction is open on it: `transaction()` opens one that the unit commits); `session()`
    answers an ORM session on that same connection. `finish()` commits once, before the
    response is sent, or rolls back on any error, then gives the connection back."""

    __slots__ = ("_aconn", "_fairy", "_session", "_tx", "db")

    def __init__(self, db: Database) -> None:
        self.db = db
        self._fairy: PoolProxiedConnection | None = None
        self._aconn: AsyncConnection | None = None
        self._session: AsyncSession | None = None
        self._tx: Any = None

    async def connection(self) -> asyncpg.Connection[Any]:
        if self._session is not None:
            return await session_driver(self._session)
        if self.db.bind is not None:
            return await _driver_connection(self.db.bind)
        if self._fairy is None:
            self._fairy = await self.db._checkout()
        return _driver_of(self._fairy)

    async def transaction(self) -> asyncpg.Connection[Any]:
        """The connection inside a transaction that `finish()` commits: for writes that
        must not land when the request fails (a deadline met before the commit)."""
        conn = await self.connection()
        if self._tx is None and self._session is None:
            self._tx = conn.transaction()
            await self._tx.start()
        return conn

    async def session(self) -> AsyncSession:
        if self._session is None:
            if self._tx is not None:
                raise RuntimeError("a unit of work writes through its connection or its session")
            if self._fairy is not None:
                # On the connection already taken: a request never holds two.
                engine = self.db.engine
                self._aconn = AsyncConnection(
                    engine, SyncConnection(engine.sync_engine, connection=self._fairy)
                )
                self._session = AsyncSession(
                    bind=self._aconn, expire_on_commit=False, autoflush=False
                )
            else:
                self._session = self.db.sessionmaker()
        return self._session

    async def finish(self, error: BaseException | None) -> None:
        """Commit (no error) or roll back, then release. A failed commit raises, so it can
        never follow a success response."""
        if isinstance(error, asyncio.CancelledError):
            await self._abandon()
            return
        session, self._session = self._session, None
        tx, self._tx = self._tx, None
        healthy = error is None or not isinstance(error, _DEADLINE_ERRORS)
        try:
            if session is not None:
                try:
                    if error is None:
                        await session.commit()
                    else:
                        await session.rollback()
                finally:
                    await session.close()
            if tx is not None:
                if error is None:
                    await tx.commit()
                else:
                    await tx.rollback()
        except BaseException as exc:
            healthy = False
            if error is None:
                if isinstance(exc, (*_DEADLINE_ERRORS, *DATABASE_OUTAGE_ERRORS)):
                    raise _unavailable(exc) from exc
                raise
        finally:
            aconn, self._aconn = self._aconn, None
            fairy, self._fairy = self._fairy, None
            if aconn is not None:
                if not healthy:
                    await aconn.invalidate()
                await aconn.close()
            elif fairy is not None:
                await _release(fairy, healthy=healthy)
        if error is None and session is not None:
            await self.db.run_after_commit(session)

    async def _abandon(self) -> None:
        """The request was cancelled (the server's grace period at shutdown is over): the
        connection is cut at once, without a round trip, and PostgreSQL rolls back what it
        had not committed; the client hears its 503 before the process ends."""
        session, self._session = self._session, None
        aconn, self._aconn = self._aconn, None
        fairy, self._fairy = self._fairy, None
        self._tx = None
        if self.db.bind is not None:  # tests: the test's own transaction rolls back
            if session is not None:
                await session.close()
            return
        if session is not None:
            # Invalidating terminates the connection (asyncpg's terminate(): no round trip),
            # whatever state the cancelled flush left the session in.
            await session.invalidate()
        if fairy is not None:
            await _release(fairy, healthy=False)
        if aconn is not None:
            await aconn.invalidate()


async def session_driver(session: AsyncSession) -> asyncpg.Connection[Any]:
    """The asyncpg connection under the session, inside its transaction: for the fixed
    statements a module runs with asyncpg in the same unit of work (see its queries.py)."""
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


def database_of(request: Request) -> Database:
    db: Database = request.app.state.runtime.db
    return db


async def get_database(request: Request) -> Database:
    return database_of(request)


WORK = "wonderspaced.work"


async def _request_work(request: Request) -> Work:
    """The request's unit of work, made on first use and finished by UnitOfWorkMiddleware
    before the response goes out (a plain dependency: one with `yield` cost every request an
    exit stack of its own, a measurable share of the hottest ones)."""
    return work_of(request)


def work_of(request: Request) -> Work:
    """The request's unit of work, for a dependency that makes several parts of a hot route
    in one (each dependency FastAPI solves is a measurable share of those routes)."""
    scope = request.scope
    work: Work | None = scope.get(WORK)
    if work is None:
        if UnitOfWorkMiddleware.MARK not in scope:
            raise RuntimeError("a unit of work needs UnitOfWorkMiddleware around the routes")
        work = scope[WORK] = Work(database_of(request))
    return work


class UnitOfWorkMiddleware:
    """Finishes the request's unit of work, if a route opened one, once, before its response
    goes out: committed when the route answered below 400, rolled back otherwise (an error a
    handler rendered, or an exception on its way out). A commit that fails is never followed
    by the route's own answer: a statement that met its deadline, or a database that went
    away, is a 503 with Retry-After, anything else a 500 (RequestContextMiddleware renders
    both). Innermost of the middleware, so it sees the response a route's error became."""

    MARK = "wonderspaced.unit_of_work"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope[self.MARK] = True
        failed: list[BaseException] = []

        async def send_after_commit(message: Message) -> None:
            if failed:
                return  # the route's answer after a failed commit goes nowhere
            if message["type"] == "http.response.start":
                work: Work | None = scope.pop(WORK, None)
                if work is not None:
                    try:
                        await work.finish(None if message["status"] < 400 else _REFUSED)
                    except BaseException as exc:
                        failed.append(exc)
                        return
            await send(message)

        try:
            await self.app(scope, receive, send_after_commit)
        except BaseException as exc:
            work = scope.pop(WORK, None)
            if work is not None:
                await work.finish(exc)
            if isinstance(exc, _DEADLINE_ERRORS):
                raise _unavailable(exc) from exc
            raise
        if failed:
            raise failed[0]


class _Refused(Exception):
    """The route answered an error: what it wrote is not kept."""


_REFUSED = _Refused()


WorkDep = Annotated[Work, Depends(_request_work)]


async def _request_session(work: WorkDep) -> AsyncSession:
    return await work.session()


async def _request_connection(work: WorkDep) -> Connection:
    return await work.connection()


async def _request_transaction(work: WorkDep) -> Connection:
    return await work.transaction()


# The request's ORM session; or its plain asyncpg connection, for hot paths whose statements
# are fixed SQL (reads commit by themselves; `TransactionDep` writes commit with the request).
SessionDep = Annotated[AsyncSession, Depends(_request_session)]
ConnectionDep = Annotated[Connection, Depends(_request_connection)]
TransactionDep = Annotated[Connection, Depends(_request_transaction)]
DatabaseDep = Annotated[Database, Depends(get_database)]
