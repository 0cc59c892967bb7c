"""progress: earned_at, the server instant up to which an item's earning budget is spent

Revision ID: d1e2a3b4c5f6
Revises: fb2cac392922
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d1e2a3b4c5f6"
down_revision: str | None = "fb2cac392922"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows already there start with an empty budget, full again a minute later.
    op.add_column(
        "progress",
        sa.Column(
            "earned_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
    )


def downgrade() -> None:
    op.drop_column("progress", "earned_at")
