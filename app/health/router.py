"""Liveness and readiness for Cloud Run and load balancers."""

from __future__ import annotations

import asyncio
import logging
from typing import Literal

import sqlalchemy as sa
from fastapi import APIRouter
from pydantic import BaseModel

from app.core.errors import ServiceUnavailable, problem_responses
from app.deps import RuntimeDep

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/health", tags=["health"])

CHECK_TIMEOUT_SECONDS = 2.0


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    checks: dict[str, Literal["ok"]] = {}


@router.get("/live", response_model=Health, summary="The process is up")
async def live() -> Health:
    return Health()


@router.get(
    "/ready",
    response_model=Health,
    summary="The database (and Redis, when configured) answer",
    responses=problem_responses(503),
)
async def ready(runtime: RuntimeDep) -> Health:
    async def database() -> None:
        async with runtime.db.engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))

    async def redis() -> None:
        await runtime.cache.ping()

    checks = {"database": database}
    if runtime.settings.redis_url:
        checks["redis"] = redis
    down = []
    for name, check in checks.items():
        try:
            await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
        except Exception as exc:
            logger.warning("readiness check failed", extra={"check": name, "error": repr(exc)})
            down.append(name)
    if down:
        raise ServiceUnavailable(
            f"Not ready: {', '.join(down)} unavailable.", code="dependency_unavailable"
        )
    return Health(checks=dict.fromkeys(checks, "ok"))
