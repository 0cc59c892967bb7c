"""The contract proven by real generated clients, as the apps build theirs:

    python -m tests.contract.run_clients

1. serves the app under uvicorn on 127.0.0.1 (a fresh database on TEST_DATABASE_URL's
   server, or the embedded one; the demo catalogue and quizzes seeded; emails to a local
   SMTP server) and reads its /openapi.json;
2. generates a Python client with openapi-python-client into a temporary folder (nothing is
   installed: the folder goes on sys.path) and runs tests/contract/client_journey.py with it;
3. generates TypeScript types with openapi-typescript and type-checks
   tests/contract/ts/journey.ts against them (`tsc --noEmit`), after `npm ci` in
   tests/contract/ts. Without npm this part is skipped with a message, except under CI
   (CI=true), where it must run.

Any generator warning fails the run, as a missing piece of a client would fail an app.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from app.api import create_app
from app.bootstrap import build_runtime
from app.core.config import Settings
from app.seed import seed
from tests.contract.client_journey import JourneyError, journey
from tests.contract.run_schemathesis import database
from tests.support.live_server import serve
from tests.support.net import free_port
from tests.support.smtp import SmtpServer

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "tests" / "contract" / "ts"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "wonderspaced_client"
# Literal enums: the IANA zone names hold "GMT0", "GMT+0" and "GMT-0", one Python name as
# enum members. An SVG is text. Formatting the generated code is not what is under test.
PYTHON_CONFIG = """\
literal_enums: true
post_hooks: []
content_type_overrides:
  image/svg+xml: text/plain
"""
WARNING = re.compile(r"warn|error|could not|unable|not supported|skipp", re.IGNORECASE)


class ContractFailure(Exception):
    pass


def _run(step: str, command: list[str], cwd: Path) -> str:
    """The command's output; its failure, or a warning in what it printed, fails the step."""
    started = time.monotonic()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    output = (done.stdout + done.stderr).strip()
    print(f"== {step}: exit {done.returncode} in {time.monotonic() - started:.1f} s", flush=True)
    if done.returncode != 0:
        raise ContractFailure(f"{step} failed:\n{output}")
    return output


def _no_warnings(step: str, output: str) -> None:
    flagged = [line for line in output.splitlines() if WARNING.search(line)]
    if flagged:
        raise ContractFailure(f"{step} warned:\n{output}")


def generate_python(document: Path, into: Path) -> ModuleType:
    config = into / "openapi-python-client.yaml"
    config.write_text(PYTHON_CONFIG)
    output = _run(
        "openapi-python-client generate",
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(document),
            "--output-path",
            str(into / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(config),
        ],
        cwd=into,
    )
    _no_warnings("openapi-python-client", output)
    sys.path.insert(0, str(into))
    import importlib

    return importlib.import_module(PACKAGE)


def typescript(document: Path) -> bool:
    """Types from the document, and the small client type-checked against them; False when
    npm is not there (allowed outside CI only)."""
    npm = shutil.which("npm")
    if npm is None:
        if os.environ.get("CI"):
            raise ContractFailure("npm is needed for the TypeScript check (node 20 and npm)")
        print(
            "== TypeScript check SKIPPED: npm not found (install node 20 and npm to run it)",
            flush=True,
        )
        return False
    _run("npm ci", [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=TS)
    generated = TS / "generated"
    generated.mkdir(exist_ok=True)
    bin_dir = TS / "node_modules" / ".bin"
    output = _run(
        "openapi-typescript",
        [
            str(bin_dir / "openapi-typescript"),
            str(document),
            "-o",
            str(generated / "api.d.ts"),
            # A field with a default may be left out of a request (the server fills it in).
            "--default-non-nullable=false",
        ],
        cwd=TS,
    )
    _no_warnings("openapi-typescript", output)
    output = _run("tsc --noEmit", [str(bin_dir / "tsc"), "--noEmit", "-p", "."], cwd=TS)
    if output:
        raise ContractFailure(f"tsc printed:\n{output}")
    return True


async def run() -> int:
    smtp = SmtpServer()
    smtp.start()
    work = Path(tempfile.mkdtemp(prefix="ws-clients-"))
    port = free_port()
    started = time.monotonic()
    try:
        async with database() as database_url:
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None,
                env="test",
                database_url=database_url,
                redis_url=os.environ.get("REDIS_URL") or None,
                base_url=f"http://127.0.0.1:{port}",
                data_dir=work / "data",
                email_backend="smtp",
                smtp_host="127.0.0.1",
                smtp_port=smtp.port,
                tasks_service_account_email="tasks@wonderspaced-test.iam.gserviceaccount.com",
                seed_demo_content=True,
                log_level="WARNING",
            )
            runtime = build_runtime(settings)
            await runtime.cache.clear()
            await seed(runtime)
            await runtime.start()  # background delivery: the code is emailed as in production
            try:
                async with serve(create_app(runtime=runtime), port) as url:
                    import httpx

                    async with httpx.AsyncClient(base_url=url) as http:
                        document = work / "openapi.json"
                        document.write_text(json.dumps((await http.get("/openapi.json")).json()))
                    api = generate_python(document, work)

                    async def email_code(address: str) -> str:
                        message = (await smtp.receive(address))[-1]
                        found = re.search(r"\b(\d{6})\b", message.get_content())
                        return found.group(1) if found else ""

                    for step in await journey(api, url, email_code):
                        print(f"   ok: {step}", flush=True)
                    print("== Python client journey passed", flush=True)
                    checked = await asyncio.to_thread(typescript, document)
            finally:
                await runtime.close()
    except (ContractFailure, JourneyError) as failure:
        print(f"== generated clients: FAILED\n{failure}", flush=True)
        return 1
    finally:
        smtp.stop()
        shutil.rmtree(work, ignore_errors=True)
    parts = "Python journey and TypeScript types" if checked else "Python journey"
    print(f"== generated clients: {parts} passed in {time.monotonic() - started:.0f} s")
    return 0


def main() -> None:
    sys.exit(asyncio.run(run()))


if __name__ == "__main__":
    main()
