"""`python -m app.jobs <name>`: runs one batch job and exits 0 on success.

The jobs, and every task handler a job may deliver to, come from app/modules.py: this
process sees exactly what the server sees."""

from __future__ import annotations

import argparse
import asyncio
import inspect
import logging
import sys
from collections.abc import Sequence
from typing import Any

from app.bootstrap import build_runtime, ensure_database
from app.core.config import get_settings
from app.core.logging import configure_logging
from app.modules import jobs

logger = logging.getLogger("app.jobs")


def takes_args(job: object) -> bool:
    """A job that takes arguments (`rollup-stats --date D`) names a parameter `args`."""
    return callable(job) and "args" in inspect.signature(job).parameters


async def run(name: str, args: Sequence[str] = ()) -> str:
    settings, embedded = ensure_database(get_settings())
    runtime = build_runtime(settings)
    try:
        job: Any = jobs()[name]
        return str(await (job(runtime, args) if args else job(runtime)))
    finally:
        await runtime.close()
        if embedded is not None:
            embedded.stop_if_started_here()


def main(argv: list[str]) -> int:
    settings = get_settings()
    configure_logging(settings.log_level, settings.gcp_project)
    names = jobs()
    if not argv or argv[0] not in names or (argv[1:] and not takes_args(names[argv[0]])):
        sys.stderr.write(f"usage: python -m app.jobs {{{','.join(sorted(names))}}} [args]\n")
        return 2
    try:
        summary = asyncio.run(run(argv[0], argv[1:]))
    except (ValueError, argparse.ArgumentError) as exc:  # the job's arguments
        sys.stderr.write(f"{argv[0]}: {exc}\n")
        return 2
    logger.info("job finished", extra={"job": argv[0], "summary": summary})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
