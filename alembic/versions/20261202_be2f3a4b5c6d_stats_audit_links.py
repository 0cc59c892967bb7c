"""stats rollups, audit log and share links

Revision ID: be2f3a4b5c6d
Revises: ad1e2f3a4b5c
Create Date: 2026-12-02 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "be2f3a4b5c6d"
down_revision: str | None = "ad1e2f3a4b5c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "kind IN ('video', 'ebook', 'diy')"

# Audit rows are append-only: UPDATE and DELETE are refused unless the transaction set
# app.audit_retention (SET LOCAL, which only the retention job does). TRUNCATE is left to
# the table's owner (migrations, test teardown).
_GUARD_FUNCTION = """
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND coalesce(current_setting('app.audit_retention', true), '') = 'on'
    THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_event rows cannot be changed or deleted'
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
_GUARD_TRIGGER = """
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
"""


def _now(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "daily_stat",
        sa.Column("day", sa.Date(), nullable=False),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in (
                "new_accounts",
                "new_profiles",
                "active_explorers",
                "active_7d",
                "active_30d",
            )
        ),
        *(
            sa.Column(name, sa.BigInteger(), nullable=False)
            for name in ("video_ms", "ebook_ms", "diy_ms")
        ),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in ("starts", "completions", "quiz_attempts", "quiz_passed")
        ),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_daily_stat")),
    )
    op.create_table(
        "daily_item_stat",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("starts", sa.Integer(), nullable=False),
        sa.Column("completions", sa.Integer(), nullable=False),
        sa.CheckConstraint(KINDS, name=op.f("ck_daily_item_stat_kind")),
        sa.PrimaryKeyConstraint("day", "kind", "item_id", name=op.f("pk_daily_item_stat")),
    )
    op.create_index("ix_daily_item_stat_kind_item", "daily_item_stat", ["kind", "item_id", "day"])
    op.create_table(
        "daily_quiz_stat",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("quiz_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.CheckConstraint(KINDS, name=op.f("ck_daily_quiz_stat_kind")),
        sa.PrimaryKeyConstraint("day", "quiz_id", name=op.f("pk_daily_quiz_stat")),
    )
    op.create_index("ix_daily_quiz_stat_kind_item", "daily_quiz_stat", ["kind", "item_id", "day"])

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Uuid(), nullable=False),
        _now("at"),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column("actor_role", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("target_type", sa.String(length=64), nullable=False),
        sa.Column("target_id", sa.String(length=200), nullable=False),
        sa.Column("changes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("route", sa.String(length=300), nullable=False),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.CheckConstraint(
            "action IN ('create', 'update', 'delete')", name=op.f("ck_audit_event_action")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    op.create_index(
        "ix_audit_event_at",
        "audit_event",
        [sa.literal_column("at DESC"), sa.literal_column("id DESC")],
    )
    op.create_index(
        "ix_audit_event_actor", "audit_event", ["actor_id", sa.literal_column("at DESC")]
    )
    op.create_index(
        "ix_audit_event_target",
        "audit_event",
        ["target_type", "target_id", sa.literal_column("at DESC")],
    )
    op.execute(_GUARD_FUNCTION)
    op.execute(_GUARD_TRIGGER)

    op.create_table(
        "share_link",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        _now("created_at"),
        sa.CheckConstraint(KINDS, name=op.f("ck_share_link_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_link")),
        sa.UniqueConstraint("code", name=op.f("uq_share_link_code")),
        sa.UniqueConstraint("kind", "item_id", name="uq_share_link_item"),
    )
    op.create_table(
        "share_link_click",
        sa.Column("link_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("clicks", sa.Integer(), nullable=False),
        sa.CheckConstraint("clicks > 0", name=op.f("ck_share_link_click_clicks")),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["share_link.id"],
            name=op.f("fk_share_link_click_link_id_share_link"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("link_id", "day", name=op.f("pk_share_link_click")),
    )


def downgrade() -> None:
    op.drop_table("share_link_click")
    op.drop_table("share_link")
    op.execute("DROP TRIGGER audit_event_append_only ON audit_event")
    op.execute("DROP FUNCTION audit_event_append_only()")
    op.drop_table("audit_event")
    op.drop_table("daily_quiz_stat")
    op.drop_table("daily_item_stat")
    op.drop_table("daily_stat")
