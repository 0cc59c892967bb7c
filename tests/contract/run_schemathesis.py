"""Schemathesis over the whole OpenAPI document, against the app under a real uvicorn server
on 127.0.0.1, as no one, as a parent and as an admin: every check, every phase.

    python -m tests.contract.run_schemathesis [--max-examples N] [--seed N]

Uses a fresh database on TEST_DATABASE_URL's server (dropped afterwards), or the embedded
server the test suite uses; REDIS_URL when set. The world (a family with explorers, another
family, staff, a demo catalogue, an uploaded image) is built as the matrix builds it.

Operations that end the caller's own sessions (sign out everywhere, a new password or PIN,
deleting the account, an admin changing accounts) would revoke the token the rest of a run
uses, so each token's run leaves them out and a last run, with a fresh token of its own,
covers them. Exits non-zero on any failure of any run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from app.api import create_app
from app.bootstrap import build_runtime, migrate
from app.core.config import Settings
from app.core.embedded_pg import start_embedded_postgres
from tests.support.auth import PASSWORD, bearer
from tests.support.google_keys import CertsServer, GoogleSigner
from tests.support.live_server import serve
from tests.support.matrix import build_world
from tests.support.net import free_port
from tests.support.smtp import SmtpServer

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")

# Each ends or changes the sessions of the caller (or, for an admin, of any account).
SESSION_ENDING = (
    "POST /api/v1/auth/logout-all",
    "DELETE /api/v1/accounts/me",
    "POST /api/v1/accounts/me/password",
    "PUT /api/v1/accounts/me/pin",
    "DELETE /api/v1/accounts/me/pin",
    "PATCH /api/v1/admin/accounts/{account_id}",
)


@asynccontextmanager
async def database() -> AsyncIterator[str]:
    """A migrated, empty database; its SQLAlchemy URL."""
    given = os.environ.get("TEST_DATABASE_URL")
    embedded = None
    if given:
        server = make_url(given).set(drivername="postgresql+asyncpg")
    else:
        embedded = start_embedded_postgres(ROOT / ".data" / "test-postgres", "postgres")
        server = make_url(embedded.url("postgres"))
    name = f"ws_contract_{uuid.uuid4().hex[:12]}"
    dsn = server.set(drivername="postgresql").render_as_string(False)

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    await admin(f'CREATE DATABASE "{name}"')
    url = server.set(database=name).render_as_string(False)
    try:
        await asyncio.to_thread(migrate, url)
        yield url
    finally:
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if embedded is not None:
            embedded.stop()


async def schemathesis(
    name: str, url: str, token: str | None, args: argparse.Namespace, *filters: str
) -> int:
    command = [
        str(SCHEMATHESIS),
        "--no-color",
        "run",
        f"{url}/openapi.json",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(args.max_examples),
        "--seed",
        str(args.seed),
        # One worker: two hit a CPython 3.11 race in schemathesis' coverage phase ("AST
        # constructor recursion depth mismatch"), an error of the tool, not of the API.
        "--workers",
        "1",
        "--request-timeout",
        "15",
        "--generation-database",
        "none",
        "--max-failures",
        "200",
        *filters,
    ]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    print(f"\n== schemathesis as {name}", flush=True)
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(*command, cwd=tempfile.gettempdir())
    code = await process.wait()
    print(f"== {name}: exit {code} in {time.monotonic() - started:.0f} s", flush=True)
    return code


async def fresh_token(client: httpx.AsyncClient, email: str) -> str:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    response.raise_for_status()
    return bearer(response.json())["Authorization"].removeprefix("Bearer ")


async def run(args: argparse.Namespace) -> int:
    certs = CertsServer(GoogleSigner())
    # Sign-in codes and notices go to a local SMTP server, not into this run's output.
    smtp = SmtpServer()
    smtp.start()
    data_dir = Path(tempfile.mkdtemp(prefix="ws-contract-"))
    port = free_port()
    try:
        async with database() as database_url:
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None,
                env="test",
                database_url=database_url,
                redis_url=os.environ.get("REDIS_URL") or None,
                base_url=f"http://127.0.0.1:{port}",
                data_dir=data_dir,
                google_certs_url=certs.url,
                email_backend="smtp",
                smtp_host="127.0.0.1",
                smtp_port=smtp.port,
                tasks_service_account_email="tasks@wonderspaced-test.iam.gserviceaccount.com",
                seed_demo_content=False,
                log_level="WARNING",
                # One client address sends every request; the per-IP budget has tests of
                # its own and would only turn this run into 429s.
                rate_limit_per_minute=1_000_000,
            )
            runtime = build_runtime(settings)
            await runtime.cache.clear()
            await runtime.start()
            try:
                app = create_app(runtime=runtime)
                async with (
                    serve(app, port) as url,
                    httpx.AsyncClient(base_url=url, timeout=30) as client,
                ):
                    world = await build_world(runtime, client, tag="contract")
                    leave_out = [arg for op in SESSION_ENDING for arg in ("--exclude-name", op)]
                    only = [arg for op in SESSION_ENDING for arg in ("--include-name", op)]
                    parent, admin = world.token("parent"), world.token("admin")
                    codes = [
                        await schemathesis("no token", url, None, args),
                        await schemathesis("a parent", url, parent, args, *leave_out),
                        await schemathesis("an admin", url, admin, args, *leave_out),
                        # Last: these may end the session they run with.
                        await schemathesis(
                            "a parent, operations that end sessions",
                            url,
                            await fresh_token(client, "parent-contract@example.com"),
                            args,
                            *only,
                        ),
                        await schemathesis(
                            "an admin, operations that end sessions",
                            url,
                            await fresh_token(client, "admin-contract@example.com"),
                            args,
                            *only,
                        ),
                    ]
            finally:
                await runtime.close()
    finally:
        certs.close()
        smtp.stop()
    failed = [code for code in codes if code != 0]
    print(f"\n== contract checks: {len(codes) - len(failed)} of {len(codes)} runs passed")
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261202)
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
