"""Liveness and readiness for Cloud Run and load balancers.

Readiness says what each part is doing. Without the database nothing useful can be served: 503.
Without Redis the API still serves (no shared cache, limits per instance), so the instance
stays in rotation and says it is degraded: taking every instance out because Redis is down
would turn a slower service into no service.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from app.core.db import DatabaseDep
from app.core.errors import RETRY_AFTER_SECONDS, ServiceUnavailable, problem_responses
from app.core.examples import response_example
from app.core.parts import CacheDep, SettingsDep
from app.health import queries
from app.health.examples import HEALTH_LIVE_OUT, HEALTH_READY_OUT

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/health", tags=["health"])

CHECK_TIMEOUT_SECONDS = 2.0


class Health(BaseModel):
    status: Literal["ok", "degraded"] = "ok"
    checks: dict[str, Literal["ok", "unavailable"]] = {}


@router.get(
    "/live",
    name="health_live",
    response_model=Health,
    summary="Report that the process is up.",
    responses={**response_example(200, HEALTH_LIVE_OUT)},
)
async def live() -> Health:
    """Answers 200 while the process serves: the liveness probe.

    **Who may call:** anyone, anonymous included: a probe for the load balancer and Cloud Run.

    **Rules:** none; no database is asked.

    **Retries:** a read; repeating it changes nothing.
    """
    return Health()


@router.get(
    "/ready",
    name="health_ready",
    response_model=Health,
    summary="Report whether the instance can serve: the database answers, Redis when configured.",
    responses={**problem_responses(503), **response_example(200, HEALTH_READY_OUT)},
)
async def ready(db: DatabaseDep, cache: CacheDep, settings: SettingsDep) -> Health:
    """Answers 200 when the database answers (503 if not); Redis, when configured, is reported: the
    readiness probe.

    **Who may call:** anyone, anonymous included: a probe for the load balancer and Cloud Run.

    **Rules:** none.

    **Retries:** a read; repeating it changes nothing.
    """

    async def database() -> None:
        async with db.engine.connect() as conn:
            await queries.ping(conn)

    async def redis() -> None:
        await cache.ping()

    checks = {"database": database}
    if settings.redis_url:
        checks["redis"] = redis
    results = await asyncio.gather(
        *(asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS) for check in checks.values()),
        return_exceptions=True,
    )
    down = []
    for name, result in zip(checks, results, strict=True):
        if isinstance(result, BaseException):
            logger.warning("readiness check failed", extra={"check": name, "error": repr(result)})
            down.append(name)
    if "database" in down:
        raise ServiceUnavailable(
            f"Not ready: {', '.join(down)} unavailable.",
            code="dependency_unavailable",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return Health(
        status="degraded" if down else "ok",
        checks={name: "unavailable" if name in down else "ok" for name in checks},
    )
