"""The list of modules is the one place a module is plugged in."""

from __future__ import annotations

from pathlib import Path

from app.api import create_app
from app.catalog.router import router as catalog_router
from app.core.config import Settings
from app.core.db import metadata
from app.modules import FIRST, MODULES, mounts, tables
from app.runtime import Runtime

APP = Path(__file__).resolve().parent.parent / "app"


def test_every_table_is_declared_by_one_module() -> None:
    declared = [table.__tablename__ for table in tables()]
    assert len(declared) == len(set(declared))
    assert set(declared) == set(metadata.tables)


def test_module_names_are_unique() -> None:
    names = [module.name for module in MODULES]
    assert len(names) == len(set(names))


def test_the_public_catalogue_is_matched_before_the_rest(settings: Settings) -> None:
    """Every router is included on the app itself (one level deep), the catalogue's before
    every router of the default order."""
    catalogue = next(m for m in mounts() if m.router is catalog_router)
    assert catalogue.order == FIRST
    app = create_app(settings=settings)
    included = [
        route.original_router for route in app.router.routes if hasattr(route, "original_router")
    ]
    assert included == [m.router for m in mounts()]
    later = [m.router for m in mounts() if m.order > FIRST]
    assert later
    assert all(included.index(r) > included.index(catalog_router) for r in later)


def test_every_router_is_mounted_once() -> None:
    routers = [mount.router for mount in mounts()]
    assert len({id(r) for r in routers}) == len(routers)


def test_task_handlers_come_from_the_list(runtime: Runtime) -> None:
    handlers = runtime.worker.handlers  # type: ignore[attr-defined]
    assert {"email.send", "media.process", "storage.delete"} <= set(handlers)


def test_nothing_registers_by_import() -> None:
    """No registry filled by decorators or side-effect imports."""
    for path in APP.rglob("*.py"):
        source = path.read_text()
        for pattern in ("@task(", "@exporter(", "@file_collector", "@job(", "references_assets"):
            assert pattern not in source, f"{path}: {pattern}"
    assert not (APP / "tasks_registry.py").exists()
    assert not (APP / "models.py").exists()
