"""`python -m app.jobs prune-audit`: deletes audit rows older than AUDIT_RETENTION_DAYS, the
only deletion the table's trigger lets through. Also run in each server with the retention
prune's interval. Idempotent."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from app.audit import queries

if TYPE_CHECKING:
    from app.runtime import Runtime

logger = logging.getLogger(__name__)

_LOCK_KEY = 0x4155444954  # "AUDIT"


async def prune_audit(runtime: Runtime) -> str:
    before = datetime.now(UTC) - timedelta(days=runtime.settings.audit_retention_days)
    async with runtime.db.session() as session:
        if not await queries.try_lock(session, _LOCK_KEY):
            return "another audit prune is running"
        deleted = await queries.prune(session, before)
    logger.info("audit prune", extra={"audit_events": deleted})
    return f"deleted {deleted} audit events"
