"""A PostgreSQL server of the test's own (the embedded one, in a temporary directory), to stop
and start under a running app without touching the machine's server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.container import ROOT

DATABASE = "wonderspaced"

# Run in a child process: pgserver keeps one server object per process, and a restarted
# server must be started afresh. The server outlives the child (it is stopped explicitly).
_START = f"""
import sys
from pathlib import Path
from app.core.embedded_pg import start_embedded_postgres
print(start_embedded_postgres(Path(sys.argv[1]), {DATABASE!r}).url({DATABASE!r}))
"""
_STOP = f"""
import sys
from pathlib import Path
from app.core.embedded_pg import start_embedded_postgres
start_embedded_postgres(Path(sys.argv[1]), {DATABASE!r}).stop()
"""


class OwnPostgres:
    def __init__(self, pgdata: Path) -> None:
        self.pgdata = pgdata
        self.url = ""

    def _run(self, script: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", script, str(self.pgdata)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""

    def start(self) -> str:
        self.url = self._run(_START)
        return self.url

    def stop(self) -> None:
        self._run(_STOP)
