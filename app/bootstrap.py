"""Start-up steps of `python main.py`: a database (embedded unless DATABASE_URL is set),
migrations to head. Seeding happens in the app's lifespan, so every deployment gets it."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config

from app.core.config import Settings, get_settings
from app.core.embedded_pg import EmbeddedPostgres, start_embedded_postgres

ROOT = Path(__file__).resolve().parent.parent
EMBEDDED_DATABASE = "wonderspaced"


def ensure_database(settings: Settings) -> tuple[Settings, EmbeddedPostgres | None]:
    """Starts the embedded server when no DATABASE_URL is configured, and points the
    settings (and any child process, like Alembic) at it."""
    if settings.database_url:
        return settings, None
    embedded = start_embedded_postgres(settings.data_dir / "postgres", EMBEDDED_DATABASE)
    os.environ["DATABASE_URL"] = embedded.url(EMBEDDED_DATABASE)
    get_settings.cache_clear()
    return get_settings(), embedded


def alembic_config(database_url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.attributes["database_url"] = database_url
    return config


def migrate(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "head")
