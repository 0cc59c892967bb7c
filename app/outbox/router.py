"""`POST /internal/tasks/{name}`: where Cloud Tasks delivers outbox messages."""

from __future__ import annotations

import logging
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header
from pydantic import BaseModel

from app.core.errors import Forbidden, ServiceUnavailable, Unauthorized, problem_responses
from app.deps import RuntimeDep
from app.integrations.google_tokens import InvalidGoogleToken
from app.outbox.worker import Outcome

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/internal/tasks", tags=["internal"], include_in_schema=False)


class TaskCall(BaseModel):
    id: UUID


class TaskResult(BaseModel):
    outcome: Outcome


async def verify_tasks_caller(
    runtime: RuntimeDep, authorization: Annotated[str | None, Header()] = None
) -> dict[str, Any]:
    """Accepts only an OIDC token Google signed for our tasks service account and audience."""
    expected_email = runtime.settings.tasks_service_account_email
    if not expected_email:
        raise Forbidden("Task calls are not enabled on this service.", code="tasks_disabled")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("A bearer OIDC token is required.")
    try:
        claims = await runtime.google_tokens.verify(token, runtime.settings.tasks_oidc_audience)
    except InvalidGoogleToken as exc:
        raise Unauthorized("The OIDC token is not valid.", code="invalid_token") from exc
    if claims.get("email") != expected_email or claims.get("email_verified") is not True:
        raise Forbidden("This caller may not run tasks.", code="wrong_caller")
    return dict(claims)


@router.post(
    "/{name}",
    response_model=TaskResult,
    responses=problem_responses(401, 403, 422, 503),
    dependencies=[Depends(verify_tasks_caller)],
)
async def run_task(name: str, call: TaskCall, runtime: RuntimeDep) -> TaskResult:
    outcome = await runtime.worker.process(call.id, expected_name=name, release_on_failure=False)
    if outcome is Outcome.retry:
        # A non-2xx answer makes Cloud Tasks retry with its queue's backoff.
        raise ServiceUnavailable("The task failed and will be retried.", code="task_retry")
    return TaskResult(outcome=outcome)
