"""Start-up steps: a database (embedded unless DATABASE_URL is set), migrations to head, and
the runtime with the outbox worker beside it, built from the list of modules. The server, the
jobs and the tests all build their runtime here. Seeding happens in the app's lifespan, so
every deployment gets it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config

from app.core.cache import create_cache
from app.core.config import Settings, get_settings
from app.core.db import Database, create_engine
from app.core.embedded_pg import EmbeddedPostgres, start_embedded_postgres
from app.integrations.broker import create_broker
from app.integrations.email import create_email_sender
from app.integrations.google_tokens import GoogleTokenVerifier
from app.integrations.push import create_push_sender
from app.integrations.storage import create_storage
from app.integrations.tts import create_tts
from app.modules import MODULES, Module, registries, task_handlers
from app.outbox import service as outbox_service
from app.outbox.registry import Registry
from app.outbox.worker import OutboxWorker
from app.runtime import Runtime, create_task_backend

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


def build_runtime(
    settings: Settings,
    database_url: str | None = None,
    *,
    db: Database | None = None,
    modules: tuple[Module, ...] = MODULES,
    **overrides: Any,
) -> Runtime:
    """The runtime of one instance, and its outbox worker with every module's handlers.

    `db` replaces the database built from the URL (tests pass one bound to a transaction);
    `overrides` replace any other part (cache, email, google_tokens, storage, tasks, push,
    broker, tts)."""
    if db is None:
        url = database_url or settings.database_url
        if not url:
            raise RuntimeError("no database URL")
        db = Database(create_engine(settings, url))
    # Filled once the runtime exists: handlers are bound to the parts they use.
    handlers: Registry = {}
    worker = OutboxWorker(db, handlers, max_attempts=settings.tasks_max_attempts)
    defaults: dict[str, Callable[[], Any]] = {
        "cache": lambda: create_cache(settings),
        "email": lambda: create_email_sender(settings),
        "google_tokens": lambda: GoogleTokenVerifier(settings.google_certs_url),
        "storage": lambda: create_storage(settings),
        "tasks": lambda: create_task_backend(settings, worker),
        "push": lambda: create_push_sender(settings),
        "broker": lambda: create_broker(settings),
        "tts": lambda: create_tts(settings),
    }
    unknown = set(overrides) - set(defaults)
    if unknown:
        raise TypeError(f"not parts of a runtime: {sorted(unknown)}")
    parts = {
        name: overrides[name] if name in overrides else make() for name, make in defaults.items()
    }
    runtime = Runtime(
        settings=settings, db=db, worker=worker, registries=registries(modules), **parts
    )
    handlers.update(task_handlers(runtime, modules))
    outbox_service.know_tasks(db.sessionmaker, handlers)
    # Read on each commit, so a backend swapped later (tests) is the one that gets them.
    db.after_commit.append(outbox_service.dispatcher(lambda: runtime.tasks))
    return runtime
