"""screen-time and bedtime limits: a parent's settings per explorer, and per family day the
minutes granted and the live events sent

Revision ID: 7c1d2e3f4a50
Revises: 5b7c9d1e2f30
Create Date: 2026-12-08 00:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.audit.triggers import attach

revision: str = "7c1d2e3f4a50"
down_revision: str | None = "5b7c9d1e2f30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "limit_day",
        sa.Column("profile_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("extra_minutes", sa.SmallInteger(), nullable=False),
        sa.Column("pass_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent", sa.ARRAY(sa.String(length=80)), server_default="{}", nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("extra_minutes BETWEEN 0 AND 1440", name=op.f("ck_limit_day_extra")),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profile.id"],
            name=op.f("fk_limit_day_profile_id_profile"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("profile_id", "day", name=op.f("pk_limit_day")),
    )
    op.create_table(
        "screen_limit",
        sa.Column("profile_id", sa.Uuid(), nullable=False),
        sa.Column("daily_minutes", sa.SmallInteger(), nullable=True),
        sa.Column("weekday_minutes", sa.ARRAY(sa.SmallInteger()), nullable=True),
        sa.Column("bedtime_start", sa.Time(), nullable=True),
        sa.Column("bedtime_end", sa.Time(), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(bedtime_start IS NULL) = (bedtime_end IS NULL) AND (bedtime_start IS NULL OR bedtime_start <> bedtime_end)",
            name=op.f("ck_screen_limit_bedtime"),
        ),
        sa.CheckConstraint(
            "daily_minutes BETWEEN 0 AND 1440", name=op.f("ck_screen_limit_daily_minutes")
        ),
        sa.CheckConstraint(
            "daily_minutes IS NULL OR weekday_minutes IS NULL",
            name=op.f("ck_screen_limit_one_allowance"),
        ),
        sa.CheckConstraint(
            "weekday_minutes IS NULL OR (cardinality(weekday_minutes) = 7 AND 0 <= ALL(weekday_minutes) AND 1440 >= ALL(weekday_minutes))",
            name=op.f("ck_screen_limit_weekday_minutes"),
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profile.id"],
            name=op.f("fk_screen_limit_profile_id_profile"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("profile_id", name=op.f("pk_screen_limit")),
    )
    op.execute(attach("screen_limit"))
    op.execute(attach("limit_day"))


def downgrade() -> None:
    op.drop_table("screen_limit")
    op.drop_table("limit_day")
