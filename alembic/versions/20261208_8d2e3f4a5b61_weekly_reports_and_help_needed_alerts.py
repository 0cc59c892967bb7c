"""weekly reports and help-needed alerts: the reports as sent, the weekly_report notification
category and the parent's choice to name the child in emails, and the teachers who turned
help-needed alerts off for a classroom

Revision ID: 8d2e3f4a5b61
Revises: 7c1d2e3f4a50
Create Date: 2026-12-08 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.audit.triggers import attach

revision: str = "8d2e3f4a5b61"
down_revision: str | None = "7c1d2e3f4a50"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_CATEGORIES = (
    "category IN ('new_content', 'reminder', 'progress', 'classroom', 'account', 'announcement')"
)
NEW_CATEGORIES = (
    "category IN ('new_content', 'reminder', 'progress', 'classroom', 'account', 'announcement', "
    "'weekly_report')"
)


def upgrade() -> None:
    op.create_table(
        "classroom_help_alerts_off",
        sa.Column("classroom_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_classroom_help_alerts_off_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["classroom_id"],
            ["classroom.id"],
            name=op.f("fk_classroom_help_alerts_off_classroom_id_classroom"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "classroom_id", "account_id", name=op.f("pk_classroom_help_alerts_off")
        ),
    )
    op.create_table(
        "weekly_report",
        sa.Column("profile_id", sa.Uuid(), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column(
            "sent_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("report", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.CheckConstraint("week ~ '^[0-9]{4}-W[0-9]{2}$'", name=op.f("ck_weekly_report_week")),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profile.id"],
            name=op.f("fk_weekly_report_profile_id_profile"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("profile_id", "week", name=op.f("pk_weekly_report")),
    )
    op.add_column(
        "notification_preference",
        sa.Column("nickname_in_email", sa.Boolean(), server_default="false", nullable=False),
    )
    op.drop_constraint(op.f("ck_notification_category"), "notification", type_="check")
    op.create_check_constraint(op.f("ck_notification_category"), "notification", NEW_CATEGORIES)
    op.execute(attach("weekly_report"))
    op.execute(attach("classroom_help_alerts_off"))


def downgrade() -> None:
    op.execute("DELETE FROM notification WHERE category = 'weekly_report'")
    op.drop_constraint(op.f("ck_notification_category"), "notification", type_="check")
    op.create_check_constraint(op.f("ck_notification_category"), "notification", OLD_CATEGORIES)
    op.drop_column("notification_preference", "nickname_in_email")
    op.drop_table("weekly_report")
    op.drop_table("classroom_help_alerts_off")
