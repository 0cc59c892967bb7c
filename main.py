"""`python main.py` serves Wonderspaced with embedded defaults; `app` is for uvicorn.

With no configuration it starts a real PostgreSQL under ./.data, migrates it, seeds it and
serves on 0.0.0.0:8080 (PORT overrides). Ctrl-C or SIGTERM stops the server and the database.
"""

from __future__ import annotations

import logging
import signal
from types import FrameType

import uvicorn

from app.api import create_app
from app.bootstrap import ensure_database, migrate
from app.core.config import get_settings
from app.core.logging import configure_logging

app = create_app()


def _exit_gracefully(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main() -> None:
    # uvicorn handles SIGINT/SIGTERM while serving, then re-raises the signal once it has shut
    # down; with these handlers that becomes a normal exit, so the embedded database is
    # stopped below instead of being orphaned by the default handler.
    signal.signal(signal.SIGTERM, _exit_gracefully)
    signal.signal(signal.SIGINT, _exit_gracefully)
    settings = get_settings()
    configure_logging(settings.log_level, settings.gcp_project)
    settings, embedded = ensure_database(settings)
    try:
        assert settings.database_url
        migrate(settings.database_url)
        # Alembic's fileConfig may have replaced the handlers: JSON lines again.
        configure_logging(settings.log_level, settings.gcp_project)
        logging.getLogger(__name__).info(
            "serving",
            extra={"port": settings.port, "docs": f"http://localhost:{settings.port}/docs"},
        )
        uvicorn.run(
            create_app(settings=settings),
            host=settings.host,
            port=settings.port,
            # The app resolves client addresses from the trusted proxies (TRUSTED_PROXY_HOPS);
            # uvicorn's handling would believe any client. Same options as the Dockerfile's CMD.
            proxy_headers=False,
            timeout_graceful_shutdown=8,
            log_config=None,
        )
    finally:
        if embedded is not None:
            embedded.stop()


if __name__ == "__main__":
    main()
