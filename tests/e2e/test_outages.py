"""Outages degrade, never crash: Google's certificates or storage failing is a 503; and, under
the container's own command line, PostgreSQL stopped and started again, Redis stopped, and a
SIGTERM with a slow request in flight."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest
from botocore.config import Config

from app.accounts.models import Role
from app.bootstrap import migrate
from app.integrations.google_tokens import GoogleTokenVerifier
from app.integrations.storage.s3 import S3Storage
from app.runtime import Runtime
from tests.support.auth import signed_in
from tests.support.clock import fresh_window_sync
from tests.support.container import ContainerServer
from tests.support.google_keys import GoogleSigner
from tests.support.net import free_port
from tests.support.own_postgres import OwnPostgres

LOGIN = {"email": "nobody@example.com", "password": "not-the-password-of-anyone"}
NOWHERE = f"http://127.0.0.1:{free_port()}"  # nothing listens here


def _unavailable(response: httpx.Response, code: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert int(response.headers["retry-after"]) > 0


async def test_google_certificates_unreachable_is_a_503_not_a_401(
    runtime: Runtime, client: httpx.AsyncClient, google_signer: GoogleSigner
) -> None:
    runtime.settings = runtime.settings.model_copy(update={"google_client_ids": ["web-client"]})
    runtime.google_tokens = GoogleTokenVerifier(f"{NOWHERE}/oauth2/v1/certs")
    token = google_signer.token(
        aud="web-client", sub="g-1", email="ama@gmail.com", email_verified=True
    )
    try:
        response = await client.post("/api/v1/auth/google", json={"id_token": token})
    finally:
        await runtime.google_tokens.aclose()
    _unavailable(response, "google_unavailable")


async def test_storage_unreachable_is_a_503_not_a_500(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    editor = await signed_in(runtime, client, "editor@example.com", Role.editor)
    runtime.storage = S3Storage(
        "media",
        boto3.client(
            "s3",
            endpoint_url=NOWHERE,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"max_attempts": 1}, connect_timeout=1),
        ),
    )
    upload = await client.post(
        "/api/v1/admin/uploads",
        json={
            "filename": "a.png",
            "content_type": "image/png",
            "size_bytes": 100,
            "purpose": "image",
        },
        headers=editor,
    )
    assert upload.status_code == 201, upload.text  # signing needs no network
    done = await client.post(
        f"/api/v1/admin/uploads/{upload.json()['upload_id']}/complete", headers=editor
    )
    _unavailable(done, "storage_unavailable")


# --- real processes ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[OwnPostgres]:
    # Not under pytest's private temp directory: the server may run as another system user.
    with tempfile.TemporaryDirectory(prefix="ws-outages-") as directory:
        postgres = OwnPostgres(Path(directory) / "pgdata")
        migrate(postgres.start())
        yield postgres
        postgres.stop()


def _server(postgres: OwnPostgres, tmp_path: Path, **env: str) -> ContainerServer:
    server = ContainerServer(
        tmp_path / "server.log",
        DATABASE_URL=postgres.url,
        DATA_DIR=str(tmp_path),
        SEED_DEMO_CONTENT="false",
        CATALOG_CACHE="false",
        DB_POOL_TIMEOUT="2",
        **env,
    )
    server.start()
    return server


def _until(check: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():  # type: ignore[operator]
                return
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.2)
    raise AssertionError("did not happen in time")


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_postgres_stopped_and_started_again_under_a_running_server(
    own_postgres: OwnPostgres, tmp_path: Path
) -> None:
    server = _server(own_postgres, tmp_path)
    videos, login = f"{server.url}/api/v1/videos", f"{server.url}/api/v1/auth/login"
    try:
        assert httpx.get(videos).status_code == 200
        own_postgres.stop()

        started = time.monotonic()
        _unavailable(httpx.get(videos), "database_unavailable")
        _unavailable(httpx.post(login, json=LOGIN), "database_unavailable")
        assert time.monotonic() - started < 2  # within the pool timeout
        assert httpx.get(f"{server.url}/health/ready").status_code == 503

        own_postgres.start()
        # Back by itself: no restart of the app.
        _until(lambda: httpx.get(videos).status_code == 200, 20)
        assert httpx.post(login, json=LOGIN).status_code == 401
        assert httpx.get(f"{server.url}/health/ready").status_code == 200
    finally:
        server.stop()
    assert "unhandled error" not in server.output()  # no request was a 500


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_redis_stopped_under_a_running_server(own_postgres: OwnPostgres, tmp_path: Path) -> None:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed: this test starts and stops its own Redis")
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    redis = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _until(lambda: socket.create_connection(("127.0.0.1", port), 0.2).close() is None, 10)
    server = _server(
        own_postgres, tmp_path, REDIS_URL=f"redis://127.0.0.1:{port}/0", RATE_LIMIT_PER_MINUTE="5"
    )
    ready = f"{server.url}/health/ready"
    try:
        assert httpx.get(ready).json() == {
            "status": "ok",
            "checks": {"database": "ok", "redis": "ok"},
        }
        redis.terminate()
        redis.wait(10)

        fresh_window_sync(5)
        statuses = [httpx.get(f"{server.url}/api/v1/videos").status_code for _ in range(6)]
        # Served, and the limit holds in this instance's memory.
        assert statuses == [200] * 5 + [429]
        assert httpx.get(ready).json()["checks"]["redis"] == "unavailable"
        assert httpx.get(ready).status_code == 200

        redis = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        _until(lambda: httpx.get(ready).json()["status"] == "ok", 10)
    finally:
        server.stop()
        redis.terminate()
        redis.wait(10)
    log = server.output()
    assert "unhandled error" not in log
    assert log.count("redis unreachable") == 1, log  # one warning, not one per request


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_sigterm_lets_a_slow_request_finish_and_exits_within_9_seconds(
    own_postgres: OwnPostgres, tmp_path: Path
) -> None:
    server = _server(own_postgres, tmp_path)
    assert server.process
    body = json.dumps(LOGIN).encode()
    head = (
        f"POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as slow:
        # A slow client: headers and half the body now, the rest after the SIGTERM.
        slow.sendall(head + body[:10])
        time.sleep(0.3)
        server.process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        time.sleep(1.5)
        slow.sendall(body[10:])
        response = b""
        while chunk := slow.recv(65536):
            response += chunk
    assert response.startswith(b"HTTP/1.1 401"), response[:200]
    server.process.wait(max(0.1, 9 - (time.monotonic() - signalled)))
    assert time.monotonic() - signalled < 9
