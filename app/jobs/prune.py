"""Retention: deletes what the service no longer needs after the periods in the settings
(README, "Retention"). Run as `python -m app.jobs prune` and, in each running server, every
RETENTION_PRUNE_INTERVAL_SECONDS. Idempotent; logs counts only, never what was deleted."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from app.accounts import retention as accounts_retention
from app.auth import retention as auth_retention
from app.core import idempotency
from app.jobs import queries
from app.limits import service as limits_service
from app.outbox import retention as outbox_retention
from app.runtime import Runtime

logger = logging.getLogger(__name__)

# One prune at a time across instances (a transaction-level advisory lock).
_LOCK_KEY = 0x5052554E45  # "PRUNE"


async def prune(runtime: Runtime) -> str:
    settings = runtime.settings
    now = datetime.now(UTC)

    def days_ago(days: int) -> datetime:
        return now - timedelta(days=days)

    async with runtime.db.session() as session:
        if not await queries.try_lock(session, _LOCK_KEY):
            return "another prune is running"
        counts = {
            "dead_letters": await outbox_retention.prune(
                session, days_ago(settings.retention_dead_letter_days)
            ),
            "email_codes": await auth_retention.prune_email_codes(
                session, days_ago(settings.retention_email_code_days)
            ),
            "refresh_tokens": await auth_retention.prune_refresh_tokens(
                session, days_ago(settings.retention_refresh_token_days)
            ),
            "unverified_accounts": await accounts_retention.prune(
                session,
                days_ago(settings.retention_unverified_account_days),
                runtime.registries.data_rights,
            ),
            "idempotency_keys": await idempotency.prune(session, now - idempotency.RETENTION),
            "limit_days": await limits_service.prune_days(session, now),
        }
    logger.info("retention prune", extra=counts)
    return "deleted " + ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in counts.items())
