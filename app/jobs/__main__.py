"""`python -m app.jobs <name>`: runs one batch job and exits 0 on success."""

from __future__ import annotations

import asyncio
import logging
import sys

import app.jobs.outbox
import app.tasks_registry  # noqa: F401  (jobs may deliver tasks)
from app.bootstrap import ensure_database
from app.core.config import get_settings
from app.core.logging import configure_logging
from app.jobs import JOBS
from app.runtime import Runtime

logger = logging.getLogger("app.jobs")


async def run(name: str) -> str:
    settings, embedded = ensure_database(get_settings())
    assert settings.database_url
    runtime = Runtime.create(settings, settings.database_url)
    try:
        return await JOBS[name](runtime)
    finally:
        await runtime.close()
        if embedded is not None:
            embedded.stop_if_started_here()


def main(argv: list[str]) -> int:
    settings = get_settings()
    configure_logging(settings.log_level, settings.gcp_project)
    if len(argv) != 1 or argv[0] not in JOBS:
        sys.stderr.write(f"usage: python -m app.jobs {{{','.join(sorted(JOBS))}}}\n")
        return 2
    summary = asyncio.run(run(argv[0]))
    logger.info("job finished", extra={"job": argv[0], "summary": summary})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
