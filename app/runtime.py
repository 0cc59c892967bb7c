"""Everything one running instance holds: settings, database, cache, limiter, integrations.

Built once at start-up (`Runtime.create`) and kept on `app.state.runtime`; task handlers and
jobs receive it too, so no module keeps process-global clients.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from cashews import Cache
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.tokens import TokenIssuer
from app.core.cache import create_cache, invalidate_tags, take_tags
from app.core.config import Settings, TasksBackend
from app.core.db import Database, create_engine
from app.core.ratelimit import RateLimiter
from app.integrations.email import EmailSender, create_email_sender
from app.integrations.google_tokens import GoogleTokenVerifier
from app.integrations.storage import Storage, create_storage
from app.integrations.tasks import TaskBackend
from app.outbox.service import take_enqueued

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    db: Database
    cache: Cache
    email: EmailSender
    google_tokens: GoogleTokenVerifier
    storage: Storage
    rate_limiter: RateLimiter = field(init=False)
    tokens: TokenIssuer = field(init=False)
    tasks: TaskBackend = field(init=False)

    def __post_init__(self) -> None:
        from app.outbox.worker import OutboxWorker

        self.rate_limiter = RateLimiter(self.cache)
        self.tokens = TokenIssuer.from_settings(self.settings)
        self.worker = OutboxWorker(self)
        self.tasks = self._create_task_backend()
        self.db.after_commit.append(self.dispatch)

    @classmethod
    def create(cls, settings: Settings, database_url: str, **overrides: Any) -> Runtime:
        values: dict[str, Any] = {
            "settings": settings,
            "db": Database(create_engine(settings, database_url)),
            "cache": create_cache(settings),
            "email": create_email_sender(settings),
            "google_tokens": GoogleTokenVerifier(settings.google_certs_url),
            "storage": create_storage(settings),
        }
        values.update(overrides)
        return cls(**values)

    def _create_task_backend(self) -> TaskBackend:
        settings = self.settings
        if settings.tasks_backend is TasksBackend.cloudtasks:
            from google.cloud import tasks_v2

            from app.integrations.tasks.cloudtasks import CloudTasksBackend

            return CloudTasksBackend(
                tasks_v2.CloudTasksAsyncClient(),
                project=settings.cloud_tasks_project or "",
                location=settings.cloud_tasks_location or "",
                queue=settings.cloud_tasks_queue or "",
                base_url=settings.base_url,
                service_account_email=settings.tasks_service_account_email or "",
                audience=settings.tasks_oidc_audience,
                sweep=self.worker.due,
                poll_seconds=max(settings.tasks_poll_seconds, 30.0),
            )
        from app.integrations.tasks.local import LocalTaskBackend

        return LocalTaskBackend(
            self.worker.process, self.worker.due, poll_seconds=settings.tasks_poll_seconds
        )

    async def dispatch(self, session: AsyncSession) -> None:
        """After a commit: drops the cache entries the transaction made stale, and hands the
        tasks it enqueued to the task backend."""
        tags = take_tags(session)
        if tags:
            await invalidate_tags(self.cache, *tags)
        refs = take_enqueued(session)
        if refs:
            await self.tasks.submit(refs)

    async def start(self, *, background: bool = True) -> None:
        if background:
            await self.tasks.start()

    async def close(self) -> None:
        await self.tasks.stop()
        await self.google_tokens.aclose()
        await self.db.dispose()
