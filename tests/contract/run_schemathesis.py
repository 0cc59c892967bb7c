"""Schemathesis over the whole OpenAPI document, against the app under a real uvicorn server
on 127.0.0.1, as no one, as an explorer, as a parent and as an admin: every check, positive
and negative data (`--mode all`), every phase (examples, coverage, fuzzing, stateful).

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
from typing import Any

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

# Rules of the server a schema cannot state; schemathesis' "schema-valid data is accepted"
# check (positive_data_acceptance) cannot apply to these operations, and only to these.
# The reasons are in the README (Contract checks); every other check still runs on them.
CANNOT_STATE: dict[str, str] = {
    # A password on the breached-passwords list is refused; the list is not a schema.
    "register": "breached password, reserved email domain",
    "reset_password": "breached password",
    "change_password": "breached password",
    # Special-use and reserved domains (example.invalid, .test, .localhost) are refused.
    "verify_email": "reserved email domain",
    "login": "reserved email domain",
    "oauth2_token": "reserved email domain",
    "passwordless_start": "reserved email domain",
    "passwordless_verify": "reserved email domain",
    "forgot_password": "reserved email domain",
    # Ids of other rows that must exist, and rules across fields or rows.
    "admin_create_theme": "foreign ids (cover asset)",
    "admin_update_theme": "foreign ids (cover asset)",
    "admin_create_series": "foreign ids, a series belongs to a video theme",
    "admin_update_series": "foreign ids",
    "admin_create_video": "foreign ids, series in the same theme, episode only in a series",
    "admin_create_ebook": "foreign ids, word timings in order and one per word",
    "admin_create_diy": "foreign ids",
    "admin_update_video": "foreign ids, cross-field rules over the merged item",
    "admin_update_ebook": "foreign ids, cross-field rules over the merged item",
    "admin_update_diy": "foreign ids, cross-field rules over the merged item",
    "admin_bulk_create_videos": "foreign ids (every item)",
    "admin_bulk_create_ebooks": "foreign ids (every item)",
    "admin_bulk_create_diys": "foreign ids (every item)",
    "admin_create_upload": "content type must match the purpose",
    "set_avatar": "foreign ids (avatar parts of the catalogue), parts a badge locks",
    "admin_create_badge": "foreign ids (picture asset, avatar parts, catalogue items)",
    "admin_update_badge": "foreign ids (picture asset, avatar parts, catalogue items)",
    "create_profile": "nickname: no web address, printable characters only",
    "update_profile": "nickname: no web address, printable characters only",
    # Either `choice_ids` or `order`, by the question's type (a row the schema cannot see).
    "answer_question": "choice_ids or order (oneOf), by the type of the stored question",
    "get_activity": "`from` and `to` at most 92 days apart, `from` not after `to`",
    "admin_get_stats_overview": "`from` not after `to`, at most 731 days apart",
    "admin_get_content_stats": "`from` not after `to`, at most 731 days apart",
    "admin_quiz_stats": "`from` not after `to`, at most 366 days apart",
    "admin_create_announcement": "a target exactly when the audience is followers",
    "admin_create_quiz": "foreign ids (content, media), choices by question type",
    "admin_update_quiz": "foreign ids (content, media), choices by question type",
    "admin_bulk_create_quizzes": "foreign ids (every item), choices by question type",
    "admin_reorder_questions": "every question of the stored quiz exactly once",
    "create_classroom": "the teacher's account has a display name; a known time zone",
    # `Timezone` is a pattern (and `format: timezone`, taught to the fuzzing phase by
    # schemathesis_hooks.py); the coverage phase builds zone-shaped names no database has.
    "update_me": "a time zone of the tz database",
    "update_classroom": "a time zone of the tz database",
    "admin_create_avatar_part": "the default colour is one of the part's colours",
    "update_notification_preferences": "quiet hours start and end at different times",
    "admin_update_avatar_part": "the default colour is one of the part's colours",
    "create_assignment": "a due date not in the past, in the classroom's time zone",
    "reorder_assignments": "every assignment of the stored classroom exactly once",
    "put_limits": "bedtime starts and ends at different times; daily or weekday minutes, not both",
    "get_weekly_report": "week 53 exists only in the ISO years that have one",
    "put_video_progress": "each watched interval ends after it starts, within the video",
    "put_ebook_progress": "pages within the stored eBook's pages",
    "put_diy_progress": "steps within the stored project's steps",
    "admin_schedule_video": "publish_at is in the future, by the server's clock",
    "admin_schedule_ebook": "publish_at is in the future, by the server's clock",
    "admin_schedule_diy": "publish_at is in the future, by the server's clock",
    "admin_narrate_ebook": "the text-to-speech engine speaks the eBook's language",
}
# Statuses that say the server read a schema-valid request and answered about its data or
# state (a redirect to the file asked for, no such id, already taken, a stale ETag, a limit),
# not that it refused the input.
ACCEPTED = ["2xx", "304", "307", "401", "403", "404", "409", "410", "412", "428", "429"]


def config_for(document: dict[str, Any]) -> str:
    """schemathesis.toml for this document: every check on, positive_data_acceptance off
    where the server enforces what a schema cannot state (above) or takes a `cursor` it
    issued itself (a forged one is refused with 400 `invalid_cursor`, as it must be)."""
    excluded = set()
    for operations in document["paths"].values():
        for op in operations.values():
            params = {p["name"] for p in op.get("parameters", [])}
            if op["operationId"] in CANNOT_STATE or "cursor" in params:
                excluded.add(op["operationId"])
    ids = ", ".join(f'"{i}"' for i in sorted(excluded))
    return (
        # A PATCH without its required If-Match is 428 Precondition Required (RFC 6585).
        "[checks.missing_required_header]\n"
        'expected-statuses = ["400", "401", "403", "406", "415", "422", "428"]\n\n'
        "[checks.positive_data_acceptance]\n"
        f"expected-statuses = {ACCEPTED!r}\n\n"
        "[[operations]]\n"
        f"include-operation-id = [{ids}]\n"
        "checks.positive_data_acceptance.enabled = false\n"
    ).replace("'", '"')


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
    # Every check runs (the config's default), except where the config says why not.
    command = [
        str(SCHEMATHESIS),
        "--no-color",
        "--config-file",
        str(args.config_file),
        "run",
        f"{url}/openapi.json",
        "--phases",
        # The runs of the session-ending operations alone have no link between them.
        "examples,coverage,fuzzing"
        if "--include-name" in filters
        else "examples,coverage,fuzzing,stateful",
        "--mode",
        "all",
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
    process = await asyncio.create_subprocess_exec(
        *command,
        cwd=tempfile.gettempdir(),
        # The document's custom formats (`timezone`), taught to schemathesis.
        env={
            **os.environ,
            "SCHEMATHESIS_HOOKS": "tests.contract.schemathesis_hooks",
            "PYTHONPATH": str(ROOT),
        },
    )
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
                    document = (await client.get("/openapi.json")).json()
                    args.config_file = data_dir / "schemathesis.toml"
                    args.config_file.write_text(config_for(document))
                    leave_out = [arg for op in SESSION_ENDING for arg in ("--exclude-name", op)]
                    only = [arg for op in SESSION_ENDING for arg in ("--include-name", op)]
                    parent, admin = world.token("parent"), world.token("admin")
                    explorer = world.token("explorer")
                    runs: list[tuple[str, str | None, list[str]]] = [
                        ("no token", None, []),
                        ("an explorer", explorer, leave_out),
                        ("a parent", parent, leave_out),
                        ("an admin", admin, leave_out),
                        # Last: these may end the session they run with.
                        ("a parent, operations that end sessions", "parent-contract", only),
                        ("an admin, operations that end sessions", "admin-contract", only),
                    ]
                    codes = []
                    for name, token, filters in runs:
                        if args.only and name not in args.only:
                            continue
                        if token and token.endswith("-contract"):
                            token = await fresh_token(client, f"{token}@example.com")
                        codes.append(
                            await schemathesis(name, url, token, args, *filters, *args.extra)
                        )
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
    parser.add_argument(
        "--only", action="append", default=[], help="run only this caller (repeatable)"
    )
    parser.add_argument(
        "--extra", action="append", default=[], help="one more schemathesis argument"
    )
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
