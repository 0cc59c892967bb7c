"""Async Alembic environment. The URL is, in order: the one the caller passed in
`config.attributes["database_url"]`, DATABASE_URL, or the embedded server (started here)."""

from __future__ import annotations

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from app.bootstrap import ensure_database
from app.core.config import get_settings
from app.core.db import metadata
from app.core.embedded_pg import EmbeddedPostgres
from app.modules import tables

config = context.config
if config.config_file_name is not None and not config.attributes.get("database_url"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


_embedded: list[EmbeddedPostgres] = []


def _database_url() -> str:
    url = config.attributes.get("database_url") or get_settings().database_url
    if url:
        return str(url)
    # Plain `alembic ...` on a laptop: use the embedded server, and stop it when done.
    settings, embedded = ensure_database(get_settings())
    if embedded is not None:
        _embedded.append(embedded)
    assert settings.database_url
    return settings.database_url


# The tables of every module in app/modules.py, all on one metadata (tests/test_modules.py
# holds that no table is left out of the list).
TABLES = tables()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_async_engine(_database_url())
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_database_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    try:
        asyncio.run(_run_async())
    finally:
        for server in _embedded:
            server.stop_if_started_here()
