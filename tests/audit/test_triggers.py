"""No table is forgotten: every table of every module carries the audit trigger, or is listed
as not audited. A new module's migration that skips both fails here."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.audit.service import NOT_AUDITED
from app.audit.triggers import TRIGGER
from app.core.db import metadata
from app.modules import tables
from app.runtime import Runtime

pytestmark = pytest.mark.asyncio

_TRIGGERS = sa.text(
    "SELECT c.relname AS table_name, pg_get_triggerdef(t.oid) AS definition "
    "FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid "
    "WHERE t.tgname = :name AND NOT t.tgisinternal"
)


async def test_every_table_has_the_audit_trigger_or_is_listed_as_not_audited(
    runtime: Runtime,
) -> None:
    declared = {table.__tablename__ for table in tables()}
    assert declared == set(metadata.tables)
    assert declared >= NOT_AUDITED, f"not tables: {sorted(NOT_AUDITED - declared)}"
    async with runtime.db.session() as session:
        rows = (await session.execute(_TRIGGERS, {"name": TRIGGER})).mappings().all()
    triggered = {row["table_name"]: row["definition"] for row in rows}

    missing = sorted(declared - NOT_AUDITED - set(triggered))
    assert not missing, (
        f"{missing}: run `op.execute(app.audit.triggers.attach(table))` in the table's "
        "migration, or add the table to app.audit.service.NOT_AUDITED"
    )
    assert not (NOT_AUDITED & set(triggered)), "a table listed as not audited has the trigger"
    for table, definition in triggered.items():
        assert definition == (
            f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR DELETE OR UPDATE ON public.{table} "
            f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()"
        )
