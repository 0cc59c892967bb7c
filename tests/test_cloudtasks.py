"""Cloud Tasks: named HTTP tasks with an OIDC token (checked at the gRPC boundary), and the
`/internal/tasks/{name}` endpoint that only a Google-signed token of our service account
may call."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
from google.cloud import tasks_v2

from app.emails import service as emails
from app.integrations.tasks import TaskRef
from app.integrations.tasks.cloudtasks import CloudTasksBackend
from app.outbox import service as outbox
from app.outbox.models import OutboxMessage
from app.outbox.registry import PermanentTaskError, Registration, TaskContext
from app.runtime import Runtime
from tests.support.cloudtasks import CloudTasksCapture
from tests.support.google_keys import GoogleSigner
from tests.support.smtp import SmtpServer

SERVICE_ACCOUNT = "tasks@wonderspaced-test.iam.gserviceaccount.com"


async def always_fails(ctx: TaskContext) -> None:
    raise TimeoutError("upstream timed out")


async def refuses(ctx: TaskContext) -> None:
    raise PermanentTaskError("the file is not a picture")


@pytest.fixture
async def capture() -> AsyncIterator[CloudTasksCapture]:
    server = CloudTasksCapture()
    await server.start()
    yield server
    await server.stop()


def _backend(runtime: Runtime, capture: CloudTasksCapture) -> CloudTasksBackend:
    return CloudTasksBackend(
        capture.client(),
        project="wonderspaced-test",
        location="europe-west1",
        queue="default",
        base_url="https://api.wonderspaced.test",
        service_account_email=SERVICE_ACCOUNT,
        audience="https://api.wonderspaced.test",
        sweep=runtime.worker.due,
        poll_seconds=60,
    )


async def test_committed_task_becomes_a_named_http_task_with_oidc(
    runtime: Runtime, capture: CloudTasksCapture
) -> None:
    backend = _backend(runtime, capture)
    runtime.tasks = backend
    async with runtime.db.session() as session:
        message_id = await emails.send_email(
            session, to="parent@example.com", subject="Hello", text="Welcome!"
        )
    await backend.flush()

    [request] = capture.requests
    queue = "projects/wonderspaced-test/locations/europe-west1/queues/default"
    assert request.parent == queue
    assert request.task.name.startswith(f"{queue}/tasks/{message_id.hex}-")
    http = request.task.http_request
    assert http.http_method == tasks_v2.HttpMethod.POST
    assert http.url == "https://api.wonderspaced.test/internal/tasks/email.send"
    assert json.loads(http.body) == {"id": str(message_id)}
    assert http.oidc_token.service_account_email == SERVICE_ACCOUNT
    assert http.oidc_token.audience == "https://api.wonderspaced.test"
    # The email itself never travels in the task: only the outbox id does.
    assert b"Welcome" not in http.body


async def test_resubmitting_the_same_dispatch_is_harmless(
    runtime: Runtime, capture: CloudTasksCapture
) -> None:
    backend = _backend(runtime, capture)
    ref = TaskRef(id=uuid.uuid4(), name="email.send")
    await backend.create(ref, dispatch=7)
    await backend.create(ref, dispatch=7)  # ALREADY_EXISTS is swallowed
    assert len(capture.requests) == 1


def _token(signer: GoogleSigner, **overrides: object) -> str:
    claims: dict[str, object] = {
        "aud": "http://testserver",
        "email": SERVICE_ACCOUNT,
        "email_verified": True,
        "sub": "1234567890",
    }
    claims.update(overrides)
    return signer.token(**claims)


async def _email_task(runtime: Runtime) -> str:
    async with runtime.db.session() as session:
        message_id = await emails.send_email(
            session, to="parent@example.com", subject="Your code", text="Code: 123456"
        )
    return str(message_id)


async def test_internal_endpoint_runs_the_task_for_our_service_account(
    runtime: Runtime,
    client: httpx.AsyncClient,
    google_signer: GoogleSigner,
    smtp_server: SmtpServer,
) -> None:
    message_id = await _email_task(runtime)
    headers = {"Authorization": f"Bearer {_token(google_signer)}"}
    response = await client.post(
        "/internal/tasks/email.send", json={"id": message_id}, headers=headers
    )
    assert response.status_code == 200
    assert response.json() == {"outcome": "done"}
    [mail] = smtp_server.wait_for("parent@example.com")
    assert "123456" in mail.get_content()

    again = await client.post(
        "/internal/tasks/email.send", json={"id": message_id}, headers=headers
    )
    assert again.json() == {"outcome": "skipped"}
    assert len(smtp_server.to("parent@example.com")) == 1
    async with runtime.db.session() as session:
        message = await session.get(OutboxMessage, uuid.UUID(message_id))
        assert message is not None
        assert message.status == "done"
        assert message.payload == {}  # the code is not kept once sent


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"aud": "https://someone-else.example"}, 401, "invalid_token"),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, 401, "invalid_token"),
        ({"iss": "https://evil.example"}, 401, "invalid_token"),
        ({"email": "intruder@other-project.iam.gserviceaccount.com"}, 403, "wrong_caller"),
        ({"email_verified": False}, 403, "wrong_caller"),
    ],
)
async def test_internal_endpoint_rejects_wrong_tokens(
    runtime: Runtime,
    client: httpx.AsyncClient,
    google_signer: GoogleSigner,
    smtp_server: SmtpServer,
    overrides: dict[str, object],
    status: int,
    code: str,
) -> None:
    message_id = await _email_task(runtime)
    response = await client.post(
        "/internal/tasks/email.send",
        json={"id": message_id},
        headers={"Authorization": f"Bearer {_token(google_signer, **overrides)}"},
    )
    assert response.status_code == status
    assert response.json()["code"] == code
    assert smtp_server.to("parent@example.com") == []
    async with runtime.db.session() as session:
        status_now = await session.scalar(
            sa.select(OutboxMessage.status).where(OutboxMessage.id == uuid.UUID(message_id))
        )
    assert status_now == "pending"


async def test_internal_endpoint_rejects_missing_and_foreign_signatures(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    message_id = await _email_task(runtime)
    missing = await client.post("/internal/tasks/email.send", json={"id": message_id})
    assert missing.status_code == 401
    foreign = GoogleSigner(kid="not-googles-key")
    forged = await client.post(
        "/internal/tasks/email.send",
        json={"id": message_id},
        headers={"Authorization": f"Bearer {_token(foreign)}"},
    )
    assert forged.status_code == 401
    unsigned = await client.post(
        "/internal/tasks/email.send",
        json={"id": message_id},
        headers={"Authorization": "Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0."},
    )
    assert unsigned.status_code == 401


async def test_failing_task_answers_503_so_cloud_tasks_retries_then_dead_letters(
    runtime: Runtime, client: httpx.AsyncClient, google_signer: GoogleSigner
) -> None:
    runtime.worker.handlers["test.always-fails"] = Registration(always_fails)
    async with runtime.db.session() as session:
        message_id = await outbox.enqueue(session, "test.always-fails", {})
    headers = {"Authorization": f"Bearer {_token(google_signer)}"}
    url = "/internal/tasks/test.always-fails"
    for _ in range(runtime.settings.tasks_max_attempts - 1):
        response = await client.post(url, json={"id": str(message_id)}, headers=headers)
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "task_retry"
        assert int(response.headers["retry-after"]) >= 1
    last = await client.post(url, json={"id": str(message_id)}, headers=headers)
    assert last.status_code == 200
    assert last.json() == {"outcome": "dead"}
    async with runtime.db.session() as session:
        message = await session.get(OutboxMessage, message_id)
        assert message is not None
        assert message.status == "dead"
        assert message.last_error == "TimeoutError: upstream timed out"
        # Cloud Tasks owns the retry schedule: the message stays marked as dispatched.
        assert message.dispatched_at is not None


async def test_a_payload_the_handler_cannot_read_answers_200_and_is_dead_lettered_at_once(
    runtime: Runtime,
    client: httpx.AsyncClient,
    google_signer: GoogleSigner,
    smtp_server: SmtpServer,
) -> None:
    async with runtime.db.session() as session:
        # An email with no address: no retry will ever send it.
        message_id = await outbox.enqueue(
            session, "email.send", {"subject": "Your code", "text": "Code: 123456"}
        )
    headers = {"Authorization": f"Bearer {_token(google_signer)}"}
    response = await client.post(
        "/internal/tasks/email.send", json={"id": str(message_id)}, headers=headers
    )
    assert response.status_code == 200
    assert response.json() == {"outcome": "dead"}
    async with runtime.db.session() as session:
        message = await session.get(OutboxMessage, message_id)
        assert message is not None
        assert message.status == "dead"
        assert message.attempts == 1
        assert (message.last_error or "").startswith(
            "UnreadablePayload: the payload does not fit EmailPayload"
        )
    # A repeated call (Cloud Tasks delivers at least once) changes nothing.
    again = await client.post(
        "/internal/tasks/email.send", json={"id": str(message_id)}, headers=headers
    )
    assert again.json() == {"outcome": "skipped"}
    assert smtp_server.messages == []


async def test_a_declared_permanent_error_answers_200_and_is_dead_lettered_at_once(
    runtime: Runtime, client: httpx.AsyncClient, google_signer: GoogleSigner
) -> None:
    runtime.worker.handlers["test.refuses"] = Registration(refuses)
    async with runtime.db.session() as session:
        message_id = await outbox.enqueue(session, "test.refuses", {})
    response = await client.post(
        "/internal/tasks/test.refuses",
        json={"id": str(message_id)},
        headers={"Authorization": f"Bearer {_token(google_signer)}"},
    )
    assert response.status_code == 200
    assert response.json() == {"outcome": "dead"}
    async with runtime.db.session() as session:
        message = await session.get(OutboxMessage, message_id)
        assert message is not None
        assert message.status == "dead"
        assert message.attempts == 1
        assert message.last_error == "PermanentTaskError: the file is not a picture"


async def test_what_cloud_tasks_did_not_take_is_handed_back(
    runtime: Runtime, capture: CloudTasksCapture
) -> None:
    backend = CloudTasksBackend(
        capture.client(),
        project="wonderspaced-test",
        location="europe-west1",
        queue="default",
        base_url="https://api.wonderspaced.test",
        service_account_email=SERVICE_ACCOUNT,
        audience="https://api.wonderspaced.test",
        sweep=runtime.worker.due,
        poll_seconds=60,
        release=runtime.worker.release,
        grace_seconds=1.0,
    )
    runtime.tasks = backend
    await capture.stop()  # Cloud Tasks cannot be reached
    refused = await _email_task(runtime)
    await backend.flush()
    await backend.stop()
    late = await _email_task(runtime)  # committed while the instance stops
    assert capture.requests == []
    async with runtime.db.session() as session:
        rows = (
            await session.execute(
                sa.select(OutboxMessage.id, OutboxMessage.dispatched_at).where(
                    OutboxMessage.id.in_([uuid.UUID(refused), uuid.UUID(late)])  # type: ignore[attr-defined]
                )
            )
        ).all()
    # Free for the next sweep of any instance, not stranded for ten minutes.
    assert {(str(row.id), row.dispatched_at) for row in rows} == {(refused, None), (late, None)}
