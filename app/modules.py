"""Every module of the backend, and what each plugs in: routers, task handlers, tables, export
sections, stored-file collectors, asset references, demo seeder, batch jobs and ticks.

The composition root (`app.bootstrap.build_runtime`, `app.api.create_app`), the jobs
(`python -m app.jobs`), Alembic (alembic/env.py) and the tests read this list and nothing
else: no module registers itself by being imported, and nothing reaches back into this list
at run time (the root builds every registry from it and passes them in).

Adding a module touches these places; each has a check in the suite or CI that fails when it
is missed:

1. The folder `app/<module>/`: models.py, schemas.py, queries.py (every statement of the
   module, DESIGN.md section 2), service.py, router.py, tasks.py as needed
   (tests/test_layout.py: no statement outside queries.py).
2. A `Module(...)` entry in MODULES below, named like the folder: its routers (hot ones with
   `order=FIRST`), tables, task handlers, export sections and file collectors, asset
   references, seeder, jobs, ticks and avatar part locks (tests/test_modules.py).
3. Its layer in `.importlinter` (`make lint`: modules import only downwards).
4. One Alembic revision for its tables, each table given the audit trigger
   (`app.audit.triggers.attach`) or listed in `NOT_AUDITED` (`alembic check` in CI;
   tests/audit/test_triggers.py).
5. Every route in the route matrix with its access class (tests/test_route_matrix.py).
6. Every error code in app/core/error_codes.py and the README's table
   (tests/test_openapi_contract.py).
7. A family's data in the export (`exports=`) and stored files in `file_collectors=`; rows go
   with the account or profile by foreign keys with ON DELETE CASCADE
   (tests/test_modules.py, tests/profiles/test_data_rights.py).
8. The README: its routes in the API map, its settings in the configuration table
   (tests/test_readme.py), its jobs in the batch jobs table (tests/test_jobs.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from fastapi import APIRouter
from sqlmodel import SQLModel

from app.accounts import models as accounts_models
from app.accounts import service as accounts_service
from app.accounts.router import router as accounts_router
from app.audit import models as audit_models
from app.audit import retention as audit_retention
from app.audit.router import router as audit_router
from app.auth import models as auth_models
from app.auth.router import router as auth_router
from app.avatars import models as avatars_models
from app.avatars.router import router as avatars_router
from app.avatars.seed import seed_avatar_parts
from app.avatars.service import PartLocks
from app.catalog import models as catalog_models
from app.catalog import queries as catalog_queries
from app.catalog import tasks as catalog_tasks
from app.catalog.admin_router import router as catalog_admin_router
from app.catalog.admin_service import NARRATE_TASK
from app.catalog.router import router as catalog_router
from app.catalog.seed import seed_catalogue
from app.classrooms import alerts as classrooms_alerts
from app.classrooms import models as classrooms_models
from app.classrooms import service as classrooms_service
from app.classrooms import tasks as classrooms_tasks
from app.classrooms.router import profile_router as classrooms_profile_router
from app.classrooms.router import router as classrooms_router
from app.core.coherence import CacheChange
from app.core.idempotency import IdempotencyKey
from app.data_rights import STORAGE_DELETE_TASK, DataRights, Exporter, FileCollector
from app.demo.family import seed_demo_family
from app.emails import tasks as email_tasks
from app.health.router import router as health_router
from app.jobs import Job
from app.jobs import media as media_jobs
from app.jobs import outbox as outbox_jobs
from app.jobs import prune as prune_jobs
from app.jobs.periodic import Tick
from app.library.router import hot_router as library_hot_router
from app.library.router import router as library_router
from app.library.router import screens_router as library_screens_router
from app.limits import models as limits_models
from app.limits import service as limits_service
from app.limits.router import router as limits_router
from app.links import clicks as links_clicks
from app.links import models as links_models
from app.links.router import admin_router as links_admin_router
from app.links.router import public_router as links_public_router
from app.links.router import router as links_router
from app.media import models as media_models
from app.media import service as media_service
from app.media import tasks as media_tasks
from app.media.local_router import router as local_media_router
from app.media.router import public_router as media_public_router
from app.media.router import router as media_router
from app.media.service import AssetReferences, PublicAssets
from app.notifications import badges as notifications_badges
from app.notifications import jobs as notifications_jobs
from app.notifications import models as notifications_models
from app.notifications import service as notifications_service
from app.notifications import tasks as notifications_tasks
from app.notifications import ticker as notifications_ticker
from app.notifications.router import router as notifications_router
from app.outbox import models as outbox_models
from app.outbox.registry import Registration, Registry, registry
from app.outbox.router import router as tasks_router
from app.profiles import models as profiles_models
from app.profiles import service as profiles_service
from app.profiles.router import router as profiles_router
from app.progress import models as progress_models
from app.progress import service as progress_service
from app.progress.router import hot_router as progress_hot_router
from app.progress.router import router as progress_router
from app.quizzes import models as quizzes_models
from app.quizzes import service as quizzes_service
from app.quizzes import tasks as quizzes_tasks
from app.quizzes.router import admin_router as quizzes_admin_router
from app.quizzes.router import hot_router as quizzes_hot_router
from app.quizzes.router import profile_router as quizzes_profile_router
from app.quizzes.router import router as quizzes_router
from app.quizzes.seed import seed_quizzes
from app.reports import live as reports_live
from app.reports import models as reports_models
from app.reports import service as reports_service
from app.reports import weekly as reports_weekly
from app.reports.router import router as reports_router
from app.rewards import models as rewards_models
from app.rewards import queries as rewards_queries
from app.rewards import service as rewards_service
from app.rewards.router import admin_router as rewards_admin_router
from app.rewards.router import router as rewards_router
from app.rewards.seed import seed_badges
from app.runtime import DemoSeeder, Registries, Runtime
from app.stats import models as stats_models
from app.stats import service as stats_service
from app.stats.router import router as stats_router

API_PREFIX = "/api/v1"

# Mount order: every module's routes are declared on the app itself (contract.declare) and
# matched in order, so the hot routes (public catalogue reads, heartbeats, quiz answers, "My
# adventures") get the lowest number and are tried first. Everything else keeps the order of
# this list.
FIRST = 0
DEFAULT_ORDER = 100
# Among the hot routes, the most frequent first: a heartbeat every few seconds of play, then
# quiz answers, then "My adventures" and the catalogue's reads.
HOTTEST = FIRST - 3
HOTTER = FIRST - 2
HOT = FIRST - 1
# A module's task handlers, bound to the collaborators they use (storage, email...).
TaskHandlers = Callable[[Runtime], Mapping[str, Registration]]


@dataclass(frozen=True)
class Mount:
    router: APIRouter
    prefix: str = API_PREFIX
    order: int = DEFAULT_ORDER
    # Its GETs answer public reads through the shared HTTP cache (app/core/public_cache.py),
    # which may then answer them before routing.
    public_cache: bool = False


@dataclass(frozen=True)
class Module:
    name: str
    routers: tuple[Mount, ...] = ()
    tasks: TaskHandlers | None = None
    tables: tuple[type[SQLModel], ...] = ()
    # Sections of a family's export, by name: each returns JSON-ready data of one account.
    exports: Mapping[str, Exporter] = field(default_factory=dict)
    # Each lists the storage keys of a family's (or one profile's) files, deleted with it.
    file_collectors: tuple[FileCollector, ...] = ()
    # Each is a SELECT of the media asset ids this module's content uses: kept by cleanup.
    asset_references: tuple[AssetReferences, ...] = ()
    # Each says which assets anyone may fetch by id (`/api/v1/assets/{id}`).
    public_assets: tuple[PublicAssets, ...] = ()
    # Idempotent demo content for development (never in production).
    seeder: DemoSeeder | None = None
    # Batch jobs by name, for `python -m app.jobs <name>`.
    jobs: Mapping[str, Job] = field(default_factory=dict)
    # Work each server also runs by itself on a timer (Cloud Scheduler runs the jobs too).
    ticks: tuple[Tick, ...] = ()
    # Each says which avatar parts are locked for an explorer (or for anyone).
    part_locks: tuple[PartLocks, ...] = ()


MODULES: tuple[Module, ...] = (
    Module(
        name="catalog",
        routers=(
            Mount(catalog_router, order=FIRST, public_cache=True),
            Mount(catalog_admin_router),
        ),
        tasks=lambda runtime: {
            NARRATE_TASK: Registration(
                partial(
                    catalog_tasks.narrate,
                    storage=runtime.storage,
                    tts=runtime.tts,
                    max_image_pixels=runtime.settings.media_max_image_pixels,
                )
            )
        },
        tables=(
            catalog_models.Theme,
            catalog_models.Series,
            catalog_models.Video,
            catalog_models.VideoCaption,
            catalog_models.Ebook,
            catalog_models.EbookPage,
            catalog_models.Diy,
            catalog_models.DiyMaterial,
            catalog_models.DiyStep,
            catalog_models.SearchDocument,
        ),
        asset_references=(catalog_queries.catalogue_assets,),
        public_assets=(catalog_queries.card_images,),
        seeder=seed_catalogue,
    ),
    Module(
        name="media",
        routers=(Mount(media_public_router), Mount(media_router), Mount(local_media_router, "")),
        tasks=lambda runtime: {
            media_service.PROCESS_TASK: Registration(
                partial(
                    media_tasks.process_asset,
                    storage=runtime.storage,
                    max_image_pixels=runtime.settings.media_max_image_pixels,
                )
            ),
            STORAGE_DELETE_TASK: Registration(
                partial(media_tasks.delete_files, storage=runtime.storage)
            ),
        },
        tables=(media_models.MediaAsset, media_models.Upload),
        # Keeps every asset that any module's content references.
        jobs={
            "cleanup-uploads": lambda runtime: media_jobs.cleanup_uploads(
                runtime, runtime.registries.asset_references
            )
        },
    ),
    Module(
        name="progress",
        routers=(Mount(progress_hot_router, order=HOTTEST), Mount(progress_router)),
        tables=(progress_models.Progress, progress_models.LearningTime, progress_models.SavedItem),
        exports={"progress": progress_service.export_progress},
    ),
    Module(
        name="quizzes",
        tasks=lambda runtime: {
            quizzes_tasks.DEMO_IMAGE_TASK: Registration(
                partial(quizzes_tasks.write_demo_image, storage=runtime.storage)
            )
        },
        routers=(
            Mount(quizzes_hot_router, order=HOTTER),
            Mount(quizzes_router),
            Mount(quizzes_profile_router),
            Mount(quizzes_admin_router),
        ),
        tables=(
            quizzes_models.Quiz,
            quizzes_models.QuizQuestion,
            quizzes_models.QuizChoice,
            quizzes_models.QuizAttempt,
            quizzes_models.QuizResponse,
        ),
        exports={"quizzes": quizzes_service.export_quizzes},
        asset_references=(quizzes_service.quiz_assets,),
        # After the catalogue's: quizzes are written on the demo videos and eBooks.
        seeder=seed_quizzes,
        jobs={"close-quiz-attempts": quizzes_service.close_stale_attempts},
        ticks=(
            Tick(
                "close-quiz-attempts",
                quizzes_service.close_stale_attempts,
                lambda settings: settings.quiz_close_interval_seconds,
            ),
        ),
    ),
    Module(
        name="limits",
        routers=(Mount(limits_router),),
        tables=limits_models.TABLES,
        exports={"limits": limits_service.export_limits},
    ),
    Module(
        name="library",
        # The screens beside the catalogue's reads; `/tabs/my-explorer` before `/tabs/{tab}`.
        routers=(
            Mount(library_hot_router, order=HOT),
            Mount(library_screens_router, order=FIRST, public_cache=True),
            Mount(library_router),
        ),
    ),
    Module(
        name="profiles",
        routers=(Mount(profiles_router),),
        tables=(profiles_models.Profile,),
        exports={"profiles": profiles_service.export_profiles},
    ),
    Module(
        name="auth",
        routers=(Mount(auth_router),),
        tables=(auth_models.EmailCode, auth_models.RefreshToken),
    ),
    Module(
        name="accounts",
        routers=(Mount(accounts_router),),
        tables=(accounts_models.Account, accounts_models.Consent),
        exports={
            "account": accounts_service.export_account,
            "consents": accounts_service.export_consents,
        },
    ),
    Module(
        name="avatars",
        routers=(Mount(avatars_router),),
        tables=(avatars_models.AvatarPart,),
        seeder=lambda session, runtime: seed_avatar_parts(session),
    ),
    Module(
        name="rewards",
        routers=(Mount(rewards_router), Mount(rewards_admin_router)),
        tables=rewards_models.TABLES,
        exports={"rewards": rewards_service.export_rewards},
        asset_references=(rewards_queries.badge_assets,),
        public_assets=(rewards_queries.badge_pictures,),
        # After the catalogue's and the avatar parts (its badges name them), before the demo
        # family (which earns some).
        seeder=seed_badges,
        part_locks=(rewards_service.locked_parts,),
    ),
    Module(
        name="emails",
        tasks=lambda runtime: {
            email_tasks.SEND_EMAIL: Registration(
                partial(
                    email_tasks.send_email,
                    email=runtime.email,
                    sender=runtime.settings.email_from,
                ),
                forget_payload=True,
            )
        },
    ),
    Module(name="health", routers=(Mount(health_router, ""),)),
    # What an instance cut off from Redis tells the others through the database.
    Module(name="coherence", tables=(CacheChange,)),
    # The answers of creates sent with an Idempotency-Key, replayed to their retries.
    Module(name="idempotency", tables=(IdempotencyKey,)),
    Module(
        name="outbox",
        routers=(Mount(tasks_router, ""),),
        tables=outbox_models.TABLES,
        jobs={"drain-outbox": outbox_jobs.drain_outbox, "prune-outbox": outbox_jobs.prune_outbox},
    ),
    Module(
        name="notifications",
        routers=(Mount(notifications_router),),
        tasks=lambda runtime: {
            **notifications_tasks.handlers(runtime.db, runtime.push),
            rewards_service.BADGE_EARNED_TASK: Registration(notifications_badges.badge_earned),
        },
        tables=notifications_models.TABLES,
        exports={"notifications": notifications_service.export_notifications},
        jobs={"send-reminders": notifications_jobs.send_reminders},
        ticks=(
            Tick(
                "notifications",
                notifications_ticker.tick,
                lambda settings: settings.notification_tick_seconds,
            ),
        ),
    ),
    Module(
        name="classrooms",
        routers=(Mount(classrooms_router), Mount(classrooms_profile_router)),
        tasks=lambda runtime: {
            classrooms_service.ASSIGNMENT_CREATED: Registration(classrooms_tasks.assignment_created)
        },
        tables=classrooms_models.TABLES,
        exports={"classrooms": classrooms_service.export_classrooms},
        jobs={"help-needed-alerts": classrooms_alerts.tick},
        ticks=(
            Tick(
                "help-needed-alerts",
                classrooms_alerts.tick,
                lambda settings: settings.notification_tick_seconds,
            ),
        ),
    ),
    # What grown-ups hear: the weekly report, and the limits' live events.
    Module(
        name="reports",
        routers=(Mount(reports_router),),
        tables=reports_models.TABLES,
        exports={"weekly_reports": reports_service.export_reports},
        tasks=lambda runtime: {
            limits_service.CHANGED_TASK: Registration(reports_live.limits_changed)
        },
        jobs={
            "limit-events": reports_live.tick,
            "send-weekly-reports": reports_weekly.send_weekly_reports,
        },
        ticks=(
            Tick("limit-events", reports_live.tick, lambda settings: settings.limits_tick_seconds),
            Tick(
                "send-weekly-reports",
                reports_weekly.send_weekly_reports,
                lambda settings: settings.notification_tick_seconds,
            ),
        ),
    ),
    # Deletes what no module needs any more, after the periods the README publishes.
    Module(
        name="retention",
        jobs={"prune": prune_jobs.prune},
        ticks=(
            Tick(
                "prune",
                prune_jobs.prune,
                lambda settings: settings.retention_prune_interval_seconds,
            ),
        ),
    ),
    Module(
        name="stats",
        routers=(Mount(stats_router),),
        tables=stats_models.TABLES,
        # `rollup-stats [--date D | --from D --to D]` (the job takes its arguments).
        jobs={"rollup-stats": stats_service.rollup_stats},
        # Yesterday again and any missed day: the dashboard never waits for the scheduler.
        ticks=(
            Tick(
                "catch-up-stats",
                stats_service.catch_up,
                lambda settings: settings.stats_rollup_interval_seconds,
            ),
        ),
    ),
    Module(
        name="audit",
        routers=(Mount(audit_router),),
        tables=(audit_models.AuditEvent,),
        jobs={"prune-audit": audit_retention.prune_audit},
        ticks=(
            Tick(
                "prune-audit",
                audit_retention.prune_audit,
                lambda settings: settings.retention_prune_interval_seconds,
            ),
        ),
    ),
    # A demo family with a week of activity (development only), on the demo catalogue and
    # quizzes seeded before it.
    Module(name="demo", seeder=seed_demo_family),
    Module(
        name="links",
        routers=(Mount(links_router), Mount(links_admin_router), Mount(links_public_router, "")),
        tables=links_models.TABLES,
        jobs={"flush-link-clicks": links_clicks.flush_link_clicks},
        ticks=(
            Tick(
                "flush-link-clicks",
                links_clicks.flush_link_clicks,
                lambda settings: links_clicks.FLUSH_SECONDS,
            ),
        ),
    ),
)


def _unique(kind: str, pairs: Sequence[tuple[str, object]]) -> None:
    seen: set[str] = set()
    for name, _ in pairs:
        if name in seen:
            raise RuntimeError(f"{kind} {name!r} is declared twice in app/modules.py")
        seen.add(name)


def mounts(modules: tuple[Module, ...] = MODULES) -> list[Mount]:
    """Every router in mount order (stable: equal orders keep the list's order)."""
    return sorted((m for module in modules for m in module.routers), key=lambda m: m.order)


def task_handlers(runtime: Runtime, modules: tuple[Module, ...] = MODULES) -> Registry:
    return registry(*(module.tasks(runtime) for module in modules if module.tasks))


def tables(modules: tuple[Module, ...] = MODULES) -> list[type[SQLModel]]:
    return [table for module in modules for table in module.tables]


def exporters(modules: tuple[Module, ...] = MODULES) -> dict[str, Exporter]:
    pairs = [(section, f) for module in modules for section, f in module.exports.items()]
    _unique("export section", pairs)
    return dict(pairs)


def file_collectors(modules: tuple[Module, ...] = MODULES) -> list[FileCollector]:
    return [collect for module in modules for collect in module.file_collectors]


def asset_references(modules: tuple[Module, ...] = MODULES) -> list[AssetReferences]:
    return [refs for module in modules for refs in module.asset_references]


def public_assets(modules: tuple[Module, ...] = MODULES) -> list[PublicAssets]:
    return [servable for module in modules for servable in module.public_assets]


def seeders(modules: tuple[Module, ...] = MODULES) -> list[DemoSeeder]:
    return [module.seeder for module in modules if module.seeder]


def ticks(modules: tuple[Module, ...] = MODULES) -> list[Tick]:
    found = [tick for module in modules for tick in module.ticks]
    _unique("tick", [(tick.name, tick) for tick in found])
    return found


def jobs(modules: tuple[Module, ...] = MODULES) -> dict[str, Job]:
    pairs = [(name, job) for module in modules for name, job in module.jobs.items()]
    _unique("job", pairs)
    return dict(pairs)


def part_locks(modules: tuple[Module, ...] = MODULES) -> list[PartLocks]:
    return [lock for module in modules for lock in module.part_locks]


def public_cache_prefixes(modules: tuple[Module, ...] = MODULES) -> tuple[str, ...]:
    """The fixed start of each path the shared HTTP cache may answer (up to its first
    parameter): only those are looked up before routing."""
    found: list[str] = []
    for mount in mounts(modules):
        if mount.public_cache:
            for route in mount.router.routes:
                path = mount.prefix + getattr(route, "path", "").split("{", 1)[0]
                if path not in found:
                    found.append(path)
    return tuple(found)


def registries(modules: tuple[Module, ...] = MODULES) -> Registries:
    """Everything the modules declare, collected once for the runtime."""
    return Registries(
        data_rights=DataRights(exporters(modules), tuple(file_collectors(modules))),
        public_assets=tuple(public_assets(modules)),
        asset_references=tuple(asset_references(modules)),
        seeders=tuple(seeders(modules)),
        jobs=jobs(modules),
        ticks=tuple(ticks(modules)),
        public_cache_prefixes=public_cache_prefixes(modules),
        part_locks=tuple(part_locks(modules)),
    )
