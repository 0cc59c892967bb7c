"""Push through firebase-admin against a local server that answers like FCM's v1 API."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from google.auth.credentials import AnonymousCredentials

from app.bootstrap import build_runtime
from app.integrations.push.fcm import FcmPushSender
from app.notifications.models import Category
from app.runtime import Runtime
from tests.notifications.conftest import Family, make_family, send

API = "/api/v1"
PROJECT = "wonderspaced-test"


def _fcm_error(status: int, code: str, fcm_code: str | None) -> dict[str, Any]:
    details = [
        {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": fcm_code}
    ]
    return {
        "error": {
            "code": status,
            "message": code,
            "status": code,
            "details": details if fcm_code else [],
        }
    }


ANSWERS = {
    "gone": (404, _fcm_error(404, "NOT_FOUND", "UNREGISTERED")),
    "bad": (400, _fcm_error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT")),
    "busy": (429, _fcm_error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED")),
    "down": (503, _fcm_error(503, "UNAVAILABLE", "UNAVAILABLE")),
}


class FakeFcm(ThreadingHTTPServer):
    received: list[dict[str, Any]]


class _Handler(BaseHTTPRequestHandler):
    server: FakeFcm

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))
        self.server.received.append({"path": self.path, **body})
        token = body["message"]["token"]
        status, answer = ANSWERS.get(
            token.split("-")[0], (200, {"name": f"projects/{PROJECT}/messages/1"})
        )
        raw = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def fcm_server() -> Iterator[FakeFcm]:
    server = FakeFcm(("127.0.0.1", 0), _Handler)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


async def test_fcm_errors_delete_dead_tokens_and_retry_the_rest(
    live_runtime: Runtime, live_client: httpx.AsyncClient, fcm_server: FakeFcm
) -> None:
    # Really committed: dead tokens are deleted in their own transaction, which must
    # outlive the retry that rolls the handler's writes back.
    runtime, client = live_runtime, live_client
    fam = await make_family(runtime, client, "fcm.parent@example.com")
    endpoint = (
        f"http://127.0.0.1:{fcm_server.server_address[1]}/v1/projects/{PROJECT}/messages:send"
    )
    sender = FcmPushSender(
        google_credential=AnonymousCredentials(), project_id=PROJECT, endpoint=endpoint
    )
    fcm_runtime = build_runtime(runtime.settings, db=runtime.db, push=sender, tasks=runtime.tasks)
    await client.post(f"{API}/accounts/me/push-consent", json={"granted": True}, headers=fam.parent)
    for token in ("ok-token-1", "gone-token-1", "bad-token-1", "busy-token-1", "down-token-1"):
        added = await client.post(
            f"{API}/devices", json={"platform": "android", "token": token}, headers=fam.kid
        )
        assert added.status_code == 200
    made = await send(runtime, fam, "push-me", category=Category.reminder, title="Story time")
    await fcm_runtime.worker.run_due()

    sent = {m["message"]["token"]: m["message"] for m in fcm_server.received}
    assert set(sent) == {
        "ok-token-1",
        "gone-token-1",
        "bad-token-1",
        "busy-token-1",
        "down-token-1",
    }
    message = sent["ok-token-1"]
    assert message["android"]["collapse_key"]
    assert message["android"]["ttl"].endswith("s")
    assert message["notification"]["title"] == "Story time"
    assert "Ama" not in json.dumps(message)  # no nickname unless the parent allowed it
    assert len(json.dumps(message).encode()) < 4096
    async with runtime.db.session() as session:
        tokens = set((await session.execute(sa.text("SELECT token FROM device"))).scalars())
        outbox = (
            await session.execute(
                sa.text(
                    "SELECT status, attempts, last_error FROM outbox_message "
                    "WHERE name = 'notifications.push'"
                )
            )
        ).one()
        pushed = await session.scalar(
            sa.text("SELECT pushed_at FROM notification WHERE id = :i").bindparams(i=made.id)
        )
    # Unregistered and invalid tokens are gone; quota and outage keep theirs for the retry.
    assert tokens == {"ok-token-1", "busy-token-1", "down-token-1"}
    assert outbox.status == "pending"
    assert outbox.attempts == 1
    assert "PushRetry" in outbox.last_error
    assert pushed is None

    # The retry goes to the devices that did not get it, never again to the one that did.
    fcm_server.received.clear()
    async with runtime.db.session() as session:
        await session.execute(sa.text("UPDATE outbox_message SET available_at = now()"))
    await fcm_runtime.worker.run_due()
    assert sorted(m["message"]["token"] for m in fcm_server.received) == [
        "busy-token-1",
        "down-token-1",
    ]
    async with runtime.db.session() as session:
        attempts = await session.scalar(
            sa.text("SELECT attempts FROM outbox_message WHERE name = 'notifications.push'")
        )
    assert attempts == 2
    await sender.aclose()


async def test_nickname_only_when_the_parent_allowed_it(
    runtime: Runtime, client: httpx.AsyncClient, fam: Family
) -> None:
    await client.post(f"{API}/accounts/me/push-consent", json={"granted": True}, headers=fam.parent)
    await client.post(
        f"{API}/devices", json={"platform": "ios", "token": "local-token-1"}, headers=fam.kid
    )
    await send(runtime, fam, "first", category=Category.reminder)
    await runtime.worker.run_due()
    await client.put(
        f"{API}/profiles/{fam.profile_id}/notification-preferences",
        json={"nickname_on_lock_screen": True},
        headers=fam.parent,
    )
    await send(runtime, fam, "second", category=Category.reminder)
    await runtime.worker.run_due()
    recorded = runtime.push.sent  # type: ignore[attr-defined]
    assert [("Ama" in m.title) for m in recorded] == [False, True]
    assert all(m.collapse_key and m.ttl_seconds > 0 for m in recorded)
