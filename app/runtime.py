"""What one running instance holds, as one typed container: settings, database, cache,
clock, limiter, storage, email, Google token checks, task delivery (its backend and the worker
behind it), push delivery, the realtime broker, and the registries collected from the list of
modules (export sections, stored-file collectors, servable assets, jobs, ticks, seeders).

Built once at start-up by `app.bootstrap.build_runtime` (the composition root) and attached
to the app by `app.api.use_runtime`: middleware receive the parts they use through their
constructors, routes through dependencies, services only the parts they use.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from uuid import UUID

from cashews import Cache
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.revocation import Revocations
from app.auth.tokens import TokenIssuer
from app.avatars.service import PartLocks
from app.core.cache import cache_available, invalidate_tags, take_tags
from app.core.clock import Clock, system_now
from app.core.coherence import Coherence
from app.core.config import Settings, TasksBackend
from app.core.db import Database
from app.core.http_cache import PublicAnswers
from app.core.middleware import Inflight
from app.core.ratelimit import RateLimiter
from app.data_rights import DataRights
from app.integrations.broker import Broker, take_rung
from app.integrations.email import EmailSender
from app.integrations.google_tokens import GoogleTokenVerifier
from app.integrations.push import PushSender
from app.integrations.storage import Storage
from app.integrations.tasks import TaskBackend, TaskRef
from app.integrations.tts import TextToSpeech
from app.jobs import Job
from app.jobs.periodic import Tick
from app.media.links import MediaLinks
from app.media.service import AssetReferences, PublicAssets

logger = logging.getLogger(__name__)

# Idempotent demo content for development (never in production), made with the runtime's
# parts (storage, text to speech, clock) through the services an editor's requests call;
# it may answer lines to show once on the terminal (a demo account's sign-in).
DemoSeeder = Callable[[AsyncSession, "Runtime"], Awaitable[list[str] | None]]


@dataclass(frozen=True)
class Registries:
    """What the modules declare (app/modules.py), collected once by the composition root."""

    data_rights: DataRights = field(default_factory=DataRights)
    # Which assets anyone may fetch by id, and which ones content still uses (kept by cleanup).
    public_assets: tuple[PublicAssets, ...] = ()
    asset_references: tuple[AssetReferences, ...] = ()
    seeders: tuple[DemoSeeder, ...] = ()
    jobs: Mapping[str, Job] = field(default_factory=dict)
    ticks: tuple[Tick, ...] = ()
    # Path prefixes of the public reads the shared HTTP cache may answer before routing.
    public_cache_prefixes: tuple[str, ...] = ()
    # Which avatar parts are locked for an explorer (badges unlock them).
    part_locks: tuple[PartLocks, ...] = ()


class TaskWorker(Protocol):
    """What task delivery needs of the worker that runs handlers (the outbox's)."""

    async def process(
        self,
        message_id: UUID,
        *,
        expected_name: str | None = None,
        release_on_failure: bool = True,
    ) -> str: ...

    async def due(self, include_dispatched: bool, limit: int = 500) -> list[TaskRef]: ...

    async def release(self, ids: Sequence[UUID]) -> int: ...

    async def run_due(self) -> int: ...


def create_task_backend(settings: Settings, worker: TaskWorker) -> TaskBackend:
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
            sweep=worker.due,
            poll_seconds=max(settings.tasks_poll_seconds, 30.0),
            release=worker.release,
            grace_seconds=settings.tasks_shutdown_grace_seconds,
        )
    from app.integrations.tasks.local import LocalTaskBackend

    return LocalTaskBackend(
        worker.process,
        worker.due,
        worker.release,
        poll_seconds=settings.tasks_poll_seconds,
        grace_seconds=settings.tasks_shutdown_grace_seconds,
    )


@dataclass
class Runtime:
    settings: Settings
    db: Database
    cache: Cache
    email: EmailSender
    google_tokens: GoogleTokenVerifier
    storage: Storage
    worker: TaskWorker
    tasks: TaskBackend
    push: PushSender
    broker: Broker
    tts: TextToSpeech
    registries: Registries = field(default_factory=Registries)
    clock: Clock = system_now
    rate_limiter: RateLimiter = field(init=False)
    tokens: TokenIssuer = field(init=False)
    coherence: Coherence = field(init=False)
    revocations: Revocations = field(init=False)
    public_answers: PublicAnswers = field(init=False)

    inflight: Inflight = field(default_factory=Inflight)
    _stopping: asyncio.Task[None] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.rate_limiter = RateLimiter(self.cache, 1 / self.settings.rate_limit_instances)
        self.tokens = TokenIssuer.from_settings(self.settings)
        self.coherence = Coherence(self.db, self.cache, enabled=bool(self.settings.redis_url))
        self.revocations = Revocations(self.cache, self.db, self.coherence)
        self.public_answers = PublicAnswers(
            self.cache, self.settings.cache_ttl_seconds, self.settings.catalog_cache
        )

        self.db.after_commit.insert(0, self.invalidate_stale)
        self.db.after_commit.append(self.revocations.publish)
        self.db.after_commit.append(self.ring_doorbells)

    @property
    def media_links(self) -> MediaLinks:
        """How this instance links to media: from its storage and settings as they are now."""
        settings = self.settings
        return MediaLinks(self.storage, settings.download_url_minutes, settings.media_cdn_base_url)

    async def ring_doorbells(self, session: AsyncSession) -> None:
        """After a commit: wakes the live streams whose events the transaction wrote."""
        for channel in take_rung(session):
            await self.broker.publish(channel)

    async def invalidate_stale(self, session: AsyncSession) -> None:
        """After a commit: drops the cache entries the transaction made stale."""
        tags = take_tags(session)
        if tags:
            await invalidate_tags(self.cache, *tags)
            if not cache_available(self.cache):
                # Cut off from Redis: the others drop them once they read the database.
                await self.coherence.dropped(tags)

    async def start(self, *, background: bool = True) -> None:
        if background:
            await self.tasks.start()
        self.coherence.start()

    def begin_shutdown(self) -> None:
        """At SIGTERM, beside the server's own wait for requests in flight: background tasks
        stop being taken, those running get their grace period, the rest are handed back for
        any instance at once. Started now, not after the requests, so that both fit in Cloud
        Run's ten seconds."""
        if self._stopping is None:
            self._stopping = asyncio.ensure_future(self.tasks.stop())

    async def close(self) -> None:
        await self.coherence.stop()
        self.begin_shutdown()
        assert self._stopping is not None
        await self._stopping
        await self.google_tokens.aclose()
        await self.broker.close()
        await self.push.aclose()
        await self.tts.aclose()
        await self.db.dispose()
