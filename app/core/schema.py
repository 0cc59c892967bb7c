"""Shared table conventions. Every models module imports from here, which guarantees the
naming convention is on the metadata before any table is declared."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# Stable constraint names, so Alembic can diff and drop them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata = SQLModel.metadata


def timestamp_field(*, default_now: bool = False, on_update: bool = False) -> Any:
    """A timezone-aware timestamp column; `default_now` lets the database fill it in."""
    kwargs: dict[str, Any] = {}
    if default_now:
        kwargs["server_default"] = sa.func.now()
    if on_update:
        kwargs["onupdate"] = sa.func.now()
    return Field(
        default=None,
        sa_type=sa.DateTime(timezone=True),
        sa_column_kwargs=kwargs,
        nullable=not default_now,
    )


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Core table of a SQLModel class, for statements built once (hot paths, bulk SQL)."""
    table = sa.inspect(model).local_table
    assert isinstance(table, sa.Table)
    return table
