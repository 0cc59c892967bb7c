"""The API image's own command line, run on this machine: the Dockerfile's ENV and CMD, parsed
and started as they are, so a test proves what Cloud Run will run rather than a copy of it."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[2]


def dockerfile_env_and_cmd(
    dockerfile: Path = ROOT / "Dockerfile",
) -> tuple[dict[str, str], list[str]]:
    """The final stage's ENV values and its exec-form CMD."""
    text = dockerfile.read_text().replace("\\\n", " ")
    stage = text.rsplit("\nFROM ", 1)[-1]
    env: dict[str, str] = {}
    for line in stage.splitlines():
        if line.startswith("ENV "):
            for pair in shlex.split(line[4:]):
                name, _, value = pair.partition("=")
                env[name] = value
    match = re.search(r"^CMD (\[.*\])$", stage, re.MULTILINE)
    assert match, "the Dockerfile has no exec-form CMD"
    cmd: list[str] = json.loads(match.group(1))
    return env, cmd


class ContainerServer:
    """The CMD in a subprocess, on a free port, with the image's environment plus `env`."""

    def __init__(self, log: Path, **env: str) -> None:
        image_env, self.cmd = dockerfile_env_and_cmd()
        self.port = free_port()
        # The image's PATH puts its virtualenv first; here that is this interpreter's.
        image_env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
        inherited = {
            k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "ENV"}
        }
        # ENV=prod would insist on cloud settings (mail, storage, secrets) a test has no use for.
        self.env = {**inherited, **image_env, "ENV": "test", "PORT": str(self.port), **env}
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                self.cmd, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            try:
                if httpx.get(f"{self.url}/health/live", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"not up in time:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
