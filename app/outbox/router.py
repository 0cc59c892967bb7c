"""`POST /internal/tasks/{name}`: where Cloud Tasks delivers outbox messages."""

from __future__ import annotations

import logging
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict

from app.core.config import Settings
from app.core.errors import Forbidden, ServiceUnavailable, Unauthorized, problem_responses
from app.core.examples import request_example, response_example
from app.integrations.google_tokens import GoogleTokenVerifier, InvalidGoogleToken
from app.outbox.examples import RUN_TASK_OUT, TASK_CALL
from app.outbox.worker import OutboxWorker, Outcome, retry_after_seconds

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/internal/tasks", tags=["internal"])
# Stated in the document as what it is: a Google-signed OIDC ID token, not an app token.
google_oidc = HTTPBearer(
    auto_error=False,
    scheme_name="GoogleOidc",
    bearerFormat="JWT",
    description="An OIDC ID token Google signs for the tasks service account (Cloud Tasks)",
)


class TaskCall(BaseModel):
    # Exactly what the dispatcher sends: no other field can smuggle anything in.
    model_config = ConfigDict(extra="forbid")

    id: UUID


class TaskResult(BaseModel):
    outcome: Outcome


# The instance's parts this route uses, each by itself (the outbox knows no runtime type).
async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.runtime.settings
    return settings


async def _google_tokens(request: Request) -> GoogleTokenVerifier:
    verifier: GoogleTokenVerifier = request.app.state.runtime.google_tokens
    return verifier


async def _worker(request: Request) -> OutboxWorker:
    worker: OutboxWorker = request.app.state.runtime.worker
    return worker


async def verify_tasks_caller(
    settings: Annotated[Settings, Depends(_settings)],
    google_tokens: Annotated[GoogleTokenVerifier, Depends(_google_tokens)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(google_oidc)] = None,
) -> dict[str, Any]:
    """Accepts only an OIDC token Google signed for our tasks service account and audience."""
    expected_email = settings.tasks_service_account_email
    if not expected_email:
        raise Forbidden("Task calls are not enabled on this service.", code="tasks_disabled")
    token = credentials.credentials if credentials else ""
    if not token:
        raise Unauthorized("A bearer OIDC token is required.")
    try:
        claims = await google_tokens.verify(token, settings.tasks_oidc_audience)
    except InvalidGoogleToken as exc:
        raise Unauthorized("The OIDC token is not valid.", code="invalid_token") from exc
    if claims.get("email") != expected_email or claims.get("email_verified") is not True:
        raise Forbidden("This caller may not run tasks.", code="wrong_caller")
    return dict(claims)


@router.post(
    "/{name}",
    name="run_task",
    response_model=TaskResult,
    responses={
        **problem_responses(401, 403, 422, 503),
        **response_example(200, RUN_TASK_OUT),
    },
    dependencies=[Depends(verify_tasks_caller)],
    summary="Run one background task delivered by the task queue.",
    openapi_extra=request_example(TASK_CALL),
)
async def run_task(
    name: str, call: TaskCall, worker: Annotated[OutboxWorker, Depends(_worker)]
) -> TaskResult:
    """Runs the handler of the named task with its payload. 200 whenever nothing is left to try:
    done, skipped (already delivered, or being delivered), or dead (a failure no retry cures, or
    the last attempt); the queue then drops the task. 503 for a failure worth retrying, which
    the queue retries with its backoff.

    **Who may call:** the task queue only, with a Google-signed OIDC token of the configured
    service account; no token of ours is accepted (anonymous, explorer, parent, teacher, editor
    and admin are all refused).

    **Rules:** the task name must be registered (404); the OIDC token's audience and service
    account must match the settings (401/403).

    **Retries:** idempotent: handlers are keyed by the task's dedup key, so a redelivered task
    runs once.
    """
    delivery = await worker.deliver(call.id, expected_name=name, release_on_failure=False)
    if delivery.outcome is Outcome.retry:
        raise ServiceUnavailable(
            "The task failed and will be retried.",
            code="task_retry",
            headers={"Retry-After": str(retry_after_seconds(delivery))},
        )
    return TaskResult(outcome=delivery.outcome)
