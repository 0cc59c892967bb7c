"""progress and saved items per explorer

Revision ID: 7a9b8c7d6e5f
Revises: 6d1a2b3c4e5f
Create Date: 2026-12-02 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "7a9b8c7d6e5f"
down_revision: str | None = "6d1a2b3c4e5f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "kind IN ('video', 'ebook', 'diy')"


def _profile_fk(table: str) -> sa.ForeignKeyConstraint:
    # Everything about a child goes with their profile (and so with the family).
    return sa.ForeignKeyConstraint(
        ["profile_id"],
        ["profile.id"],
        name=op.f(f"fk_{table}_profile_id_profile"),
        ondelete="CASCADE",
    )


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    if nullable:
        return sa.Column(name, sa.DateTime(timezone=True), nullable=True)
    return sa.Column(
        name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "progress",
        sa.Column("profile_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("percent", sa.SmallInteger(), nullable=False),
        sa.Column("position_ms", sa.BigInteger(), nullable=True),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("read_aloud", sa.Boolean(), nullable=True),
        sa.Column("covered", postgresql.INT8MULTIRANGE(), server_default="{}", nullable=False),
        sa.Column("covered_units", sa.BigInteger(), nullable=False),
        sa.Column("total_units", sa.BigInteger(), nullable=False),
        sa.Column("spent_ms", sa.BigInteger(), nullable=False),
        sa.Column("last_credit_ms", sa.BigInteger(), nullable=False),
        _timestamp("sent_at"),
        _timestamp("heartbeat_at"),
        _timestamp("started_at"),
        _timestamp("completed_at", nullable=True),
        _timestamp("updated_at"),
        sa.CheckConstraint(
            "(status = 'completed') = (completed_at IS NOT NULL)",
            name=op.f("ck_progress_completed_at"),
        ),
        sa.CheckConstraint(KINDS, name=op.f("ck_progress_kind")),
        sa.CheckConstraint(
            "status IN ('in_progress', 'completed')", name=op.f("ck_progress_status")
        ),
        sa.CheckConstraint(
            "covered_units >= 0 AND spent_ms >= 0", name=op.f("ck_progress_amounts")
        ),
        sa.CheckConstraint("percent BETWEEN 0 AND 100", name=op.f("ck_progress_percent")),
        _profile_fk("progress"),
        sa.PrimaryKeyConstraint("profile_id", "kind", "item_id", name=op.f("pk_progress")),
    )
    op.create_index(
        "ix_progress_profile_completed",
        "progress",
        ["profile_id", sa.literal_column("completed_at DESC"), sa.literal_column("item_id DESC")],
        unique=False,
        postgresql_where=sa.text("completed_at IS NOT NULL"),
    )
    op.create_index(
        "ix_progress_profile_updated",
        "progress",
        ["profile_id", sa.literal_column("updated_at DESC"), sa.literal_column("item_id DESC")],
        unique=False,
    )
    op.create_table(
        "learning_time",
        sa.Column("profile_id", sa.Uuid(), nullable=False),
        sa.Column("bucket", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("active_ms", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(KINDS, name=op.f("ck_learning_time_kind")),
        sa.CheckConstraint("active_ms > 0", name=op.f("ck_learning_time_active_ms")),
        _profile_fk("learning_time"),
        sa.PrimaryKeyConstraint("profile_id", "bucket", "kind", name=op.f("pk_learning_time")),
    )
    op.create_table(
        "saved_item",
        sa.Column("profile_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        _timestamp("saved_at"),
        sa.CheckConstraint(KINDS, name=op.f("ck_saved_item_kind")),
        _profile_fk("saved_item"),
        sa.PrimaryKeyConstraint("profile_id", "kind", "item_id", name=op.f("pk_saved_item")),
    )
    op.create_index(
        "ix_saved_item_profile_saved",
        "saved_item",
        ["profile_id", sa.literal_column("saved_at DESC"), sa.literal_column("item_id DESC")],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_saved_item_profile_saved", table_name="saved_item")
    op.drop_table("saved_item")
    op.drop_table("learning_time")
    op.drop_index("ix_progress_profile_updated", table_name="progress")
    op.drop_index("ix_progress_profile_completed", table_name="progress")
    op.drop_table("progress")
