"""cache changes an instance cut off from Redis tells the others

Revision ID: 4a3016f221ce
Revises: 1f068a402e4d
Create Date: 2026-12-07 22:04:52.569158
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4a3016f221ce"
down_revision: str | None = "1f068a402e4d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cache_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=True),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cache_change")),
    )
    op.create_index("ix_cache_change_at", "cache_change", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_cache_change_at", table_name="cache_change")
    op.drop_table("cache_change")
