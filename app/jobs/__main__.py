"""`python -m app.jobs <name>`: runs one batch job and exits 0 on success.

The jobs, and every task handler a job may deliver to, come from app/modules.py: this
process sees exactly what the server sees."""

from __future__ import annotations

import asyncio
import logging
import sys

from app.bootstrap import build_runtime, ensure_database
from app.core.config import get_settings
from app.core.logging import configure_logging
from app.modules import jobs

logger = logging.getLogger("app.jobs")


async def run(name: str) -> str:
    settings, embedded = ensure_database(get_settings())
    runtime = build_runtime(settings)
    try:
        return await jobs()[name](runtime)
    finally:
        await runtime.close()
        if embedded is not None:
            embedded.stop_if_started_here()


def main(argv: list[str]) -> int:
    settings = get_settings()
    configure_logging(settings.log_level, settings.gcp_project)
    names = jobs()
    if len(argv) != 1 or argv[0] not in names:
        sys.stderr.write(f"usage: python -m app.jobs {{{','.join(sorted(names))}}}\n")
        return 2
    summary = asyncio.run(run(argv[0]))
    logger.info("job finished", extra={"job": argv[0], "summary": summary})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
