"""The contract proven by real generated clients, as the apps build theirs:

    python -m tests.contract.run_clients            # the check (CI)
    python -m tests.contract.run_clients --into clients   # `make clients`: generate only

1. serves the app under uvicorn on 127.0.0.1 (a fresh database on TEST_DATABASE_URL's
   server, or the embedded one; the demo catalogue and quizzes seeded; emails to a local
   SMTP server) and reads its /openapi.json;
2. generates a Python client with openapi-python-client, default settings and no
   configuration file, into a temporary folder (nothing is installed: the folder goes on
   sys.path), type-checks tests/contract/python_journey.py against it (`mypy --strict`)
   and runs that journey;
3. generates TypeScript types with openapi-typescript, default options, and type-checks
   tests/contract/ts/journey.ts against them (`tsc --strict --noEmit`), after `npm ci` in
   tests/contract/ts. Without npm this part is skipped with a message, except under CI
   (CI=true), where it must run.

Any generator warning fails the run, as a missing piece of a client would fail an app.
With `--into DIR`, no server runs: the document is the app's, and both clients are written
to DIR/python/wonderspaced_client and DIR/typescript/api.d.ts (DIR is not committed).
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
from tests.contract.run_schemathesis import database
from tests.support.live_server import serve
from tests.support.net import free_port
from tests.support.smtp import SmtpServer

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "tests" / "contract" / "ts"
BIN = Path(sys.executable).parent
GENERATOR = BIN / "openapi-python-client"
PACKAGE = "wonderspaced_client"
JOURNEY = ROOT / "tests" / "contract" / "python_journey.py"
WARNING = re.compile(r"warn|error|could not|unable|not supported|skipp", re.IGNORECASE)


class ContractFailure(Exception):
    pass


def _run(step: str, command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """The command's output; its failure fails the step."""
    started = time.monotonic()
    done = subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        # The generator's post-hooks (ruff) are the venv's, as on a developer's machine.
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **(env or {})},
    )
    output = (done.stdout + done.stderr).strip()
    print(f"== {step}: exit {done.returncode} in {time.monotonic() - started:.1f} s", flush=True)
    if done.returncode != 0:
        raise ContractFailure(f"{step} failed:\n{output}")
    return output


def _no_warnings(step: str, output: str) -> None:
    flagged = [line for line in output.splitlines() if WARNING.search(line)]
    if flagged:
        raise ContractFailure(f"{step} warned:\n{output}")


def generate_python(document: Path, into: Path) -> Path:
    """The client package, generated with the defaults (no configuration file) into
    `into`/wonderspaced_client."""
    into.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(into / PACKAGE, ignore_errors=True)
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
        ],
        cwd=into,
    )
    _no_warnings("openapi-python-client", output)
    return into / PACKAGE


def typecheck_journey(into: Path) -> None:
    """mypy --strict over the journey, against the generated package (whose own code is
    the generator's, not under test: imported silently)."""
    _run(
        "mypy --strict tests/contract/python_journey.py",
        [
            str(BIN / "mypy"),
            "--strict",
            "--follow-imports=silent",
            "--no-incremental",
            "--cache-dir=/dev/null",
            str(JOURNEY),
        ],
        cwd=into,
        env={"MYPYPATH": str(into)},
    )


def load_journey(into: Path) -> ModuleType:
    sys.path.insert(0, str(into))
    import importlib

    return importlib.import_module("tests.contract.python_journey")


def typescript(document: Path, into: Path | None = None) -> bool:
    """Types from the document, and the small client type-checked against them; False when
    npm is not there (allowed outside CI only). With `into`, the types are written there
    (api.d.ts) and nothing is checked."""
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
    generated = into or TS / "generated"
    generated.mkdir(parents=True, exist_ok=True)
    bin_dir = TS / "node_modules" / ".bin"
    output = _run(
        "openapi-typescript",
        [str(bin_dir / "openapi-typescript"), str(document), "-o", str(generated / "api.d.ts")],
        cwd=TS,
    )
    _no_warnings("openapi-typescript", output)
    if into is not None:
        return True
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
                    generate_python(document, work)
                    typecheck_journey(work)
                    python_journey = load_journey(work)

                    async def email_code(address: str) -> str:
                        message = (await smtp.receive(address))[-1]
                        found = re.search(r"\b(\d{6})\b", message.get_content())
                        return found.group(1) if found else ""

                    for step in await python_journey.journey(url, email_code):
                        print(f"   ok: {step}", flush=True)
                    print("== Python client journey passed", flush=True)
                    checked = await asyncio.to_thread(typescript, document)
            finally:
                await runtime.close()
    except (ContractFailure, AssertionError) as failure:
        print(f"== generated clients: FAILED\n{failure}", flush=True)
        return 1
    finally:
        smtp.stop()
        shutil.rmtree(work, ignore_errors=True)
    parts = "Python journey and TypeScript types" if checked else "Python journey"
    print(f"== generated clients: {parts} passed in {time.monotonic() - started:.0f} s")
    return 0


def generate_only(into: Path) -> int:
    """`make clients`: both clients from the app's document, into `into` (no server)."""
    from app.api import create_app as app_of

    settings = Settings(_env_file=None, env="test")  # type: ignore[call-arg]
    into.mkdir(parents=True, exist_ok=True)
    document = into / "openapi.json"
    document.write_text(json.dumps(app_of(settings=settings).openapi(), indent=1))
    try:
        package = generate_python(document, into / "python")
        print(f"== Python client: {package}")
        if typescript(document, into / "typescript"):
            print(f"== TypeScript types: {into / 'typescript' / 'api.d.ts'}")
    except ContractFailure as failure:
        print(f"== generating clients FAILED\n{failure}", flush=True)
        return 1
    return 0


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--into", type=Path, help="only generate both clients into this folder")
    args = parser.parse_args()
    if args.into is not None:
        sys.exit(generate_only(args.into.resolve()))
    sys.exit(asyncio.run(run()))


if __name__ == "__main__":
    main()
