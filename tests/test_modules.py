"""The list of modules is the one place a module is plugged in."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
from fastapi.routing import APIRoute

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
    """Every module's routes are declared on the app itself, router after router in the
    mount order, the catalogue's before every router of the default order."""
    catalogue = next(m for m in mounts() if m.router is catalog_router)
    assert catalogue.order == FIRST
    later = [m for m in mounts() if m.order > FIRST]
    assert later
    assert all(mounts().index(m) > mounts().index(catalogue) for m in later)
    app = create_app(settings=settings)
    declared = [
        (route.path, route.name) for route in app.router.routes if isinstance(route, APIRoute)
    ]
    expected = [
        (m.prefix + route.path, route.name)
        for m in mounts()
        for route in m.router.routes
        if isinstance(route, APIRoute)
    ]
    assert declared[: len(expected)] == expected


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


# Tables that point at an account or a profile but are not a family's data to export, and why.
NOT_EXPORTED = {
    "upload": "an editor's upload ticket: staff work, not a family's",
    "refresh_token": "sign-in material (hashes of secrets): useless to a parent, risky to hand out",
    "idempotency_key": "copies of answers the family already received, kept 24 hours",
}


def _points_at_a_family(table: sa.Table) -> bool:
    return table.name in ("account", "profile") or any(
        column.name in ("account_id", "profile_id")
        or any(fk.column.table.name in ("account", "profile") for fk in column.foreign_keys)
        for column in table.c
    )


def test_a_module_keeping_a_familys_data_exports_it() -> None:
    """A new module whose tables hold rows of a family declares an export section (and the
    deletion follows by cascade: tests/profiles/test_data_rights.py)."""
    missing = [
        f"{module.name}.{table.__tablename__}"
        for module in MODULES
        for table in module.tables
        if _points_at_a_family(table.__table__)  # type: ignore[attr-defined]
        and table.__tablename__ not in NOT_EXPORTED
        and not module.exports
    ]
    assert missing == [], "declare `exports=` in app/modules.py (or say why not here)"


def test_every_package_is_a_module_of_the_list_and_has_a_layer() -> None:
    """A folder under app/ is plugged in at one place, and placed in the import layers."""
    infrastructure = {"core", "integrations", "jobs"}
    packages = {p.parent.name for p in APP.glob("*/__init__.py")} - infrastructure
    assert packages <= {module.name for module in MODULES}
    layers = (APP.parent / ".importlinter").read_text()
    for name in packages | infrastructure:
        assert re.search(rf"\bapp\.{name}\b", layers), f"app.{name} is in no layer"
