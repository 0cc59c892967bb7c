"""notifications: inbox, event log, devices, follows, preferences

Revision ID: 9c8d7e6f5a4b
Revises: 8b7c6d5e4f3a
Create Date: 2026-12-02 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "9c8d7e6f5a4b"
down_revision: str | None = "8b7c6d5e4f3a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every row about a family or a child has ON DELETE CASCADE to its account or profile, so
# deleting either removes its inbox, events, devices (push tokens), follows and preferences.


def upgrade() -> None:
    op.create_table(
        "notification_tick",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column(
            "until", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_notification_tick")),
    )
    op.create_table(
        "announcement",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.String(length=400), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("audience", sa.String(length=10), nullable=False),
        sa.Column("target_kind", sa.String(length=8), nullable=True),
        sa.Column("target_id", sa.Uuid(), nullable=True),
        sa.Column(
            "send_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reached", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(audience = 'followers') = (target_kind IS NOT NULL AND target_id IS NOT NULL)",
            name=op.f("ck_announcement_target"),
        ),
        sa.CheckConstraint(
            "audience IN ('everyone', 'followers')", name=op.f("ck_announcement_audience")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["account.id"],
            name=op.f("fk_announcement_created_by_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement")),
    )
    op.create_index(
        "ix_announcement_due",
        "announcement",
        ["send_at"],
        unique=False,
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.create_table(
        "notification_counter",
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_notification_counter_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_notification_counter")),
    )
    op.create_table(
        "push_consent",
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column(
            "granted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_push_consent_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_push_consent")),
    )
    op.create_table(
        "device",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("profile_id", sa.Uuid(), nullable=True),
        sa.Column("platform", sa.String(length=8), nullable=False),
        sa.Column("token", sa.String(length=4096), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "platform IN ('android', 'ios', 'web')", name=op.f("ck_device_platform")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_device_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profile.id"],
            name=op.f("fk_device_profile_id_profile"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device")),
        sa.UniqueConstraint("token", name=op.f("uq_device_token")),
    )
    op.create_index(op.f("ix_device_account_id"), "device", ["account_id"], unique=False)
    op.create_table(
        "follow",
        sa.Column("profile_id", sa.Uuid(), nullable=False),
        sa.Column("target_kind", sa.String(length=8), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "target_kind IN ('theme', 'series')", name=op.f("ck_follow_target_kind")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_follow_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profile.id"],
            name=op.f("fk_follow_profile_id_profile"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("profile_id", "target_kind", "target_id", name=op.f("pk_follow")),
    )
    op.create_index(op.f("ix_follow_account_id"), "follow", ["account_id"], unique=False)
    op.create_index(
        "ix_follow_target", "follow", ["target_kind", "target_id", "profile_id"], unique=False
    )
    op.create_table(
        "notification",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("profile_id", sa.Uuid(), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.String(length=400), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("dedup_key", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("push_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "category IN ('new_content', 'reminder', 'progress', 'classroom', 'account')",
            name=op.f("ck_notification_category"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_notification_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profile.id"],
            name=op.f("fk_notification_profile_id_profile"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    op.create_index(
        "ix_notification_inbox",
        "notification",
        ["account_id", sa.literal_column("created_at DESC"), sa.literal_column("id DESC")],
        unique=False,
    )
    op.create_index(
        "ix_notification_push_due",
        "notification",
        ["push_at"],
        unique=False,
        postgresql_where=sa.text("push_at IS NOT NULL"),
    )
    op.create_index(
        "uq_notification_recipient_dedup",
        "notification",
        ["account_id", "profile_id", "dedup_key"],
        unique=True,
        postgresql_nulls_not_distinct=True,
    )
    op.create_table(
        "notification_event",
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("profile_id", sa.Uuid(), nullable=True),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_notification_event_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profile.id"],
            name=op.f("fk_notification_event_profile_id_profile"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "seq", name=op.f("pk_notification_event")),
    )
    op.create_table(
        "notification_preference",
        sa.Column("profile_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("channels", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("quiet_start", sa.Time(), nullable=True),
        sa.Column("quiet_end", sa.Time(), nullable=True),
        sa.Column("reminder_days", sa.ARRAY(sa.SmallInteger()), nullable=False),
        sa.Column("reminder_time", sa.Time(), nullable=True),
        sa.Column("nickname_on_lock_screen", sa.Boolean(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_notification_preference_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profile.id"],
            name=op.f("fk_notification_preference_profile_id_profile"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("profile_id", name=op.f("pk_notification_preference")),
    )
    op.create_index(
        op.f("ix_notification_preference_account_id"),
        "notification_preference",
        ["account_id"],
        unique=False,
    )
    op.create_table(
        "stream_ticket",
        sa.Column("ticket_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("profile_id", sa.Uuid(), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column(
            "expires_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_stream_ticket_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profile.id"],
            name=op.f("fk_stream_ticket_profile_id_profile"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_hash", name=op.f("pk_stream_ticket")),
    )
    op.create_index(
        op.f("ix_stream_ticket_account_id"), "stream_ticket", ["account_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_stream_ticket_account_id"), table_name="stream_ticket")
    op.drop_table("stream_ticket")
    op.drop_index(
        op.f("ix_notification_preference_account_id"), table_name="notification_preference"
    )
    op.drop_table("notification_preference")
    op.drop_table("notification_event")
    op.drop_index(
        "uq_notification_recipient_dedup",
        table_name="notification",
        postgresql_nulls_not_distinct=True,
    )
    op.drop_index(
        "ix_notification_push_due",
        table_name="notification",
        postgresql_where=sa.text("push_at IS NOT NULL"),
    )
    op.drop_index("ix_notification_inbox", table_name="notification")
    op.drop_table("notification")
    op.drop_index("ix_follow_target", table_name="follow")
    op.drop_index(op.f("ix_follow_account_id"), table_name="follow")
    op.drop_table("follow")
    op.drop_index(op.f("ix_device_account_id"), table_name="device")
    op.drop_table("device")
    op.drop_table("push_consent")
    op.drop_table("notification_counter")
    op.drop_index(
        "ix_announcement_due",
        table_name="announcement",
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.drop_table("announcement")
    op.drop_table("notification_tick")
