"""outbox receipts: an effect a delivery completed (an email handed over) is not repeated

Revision ID: d1e2f3a4b5c6
Revises: cf3a4b5c6d7e
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d1e2f3a4b5c6"
down_revision: str | None = "cf3a4b5c6d7e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_receipt",
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("effect", sa.String(length=100), nullable=False),
        sa.Column(
            "done_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["outbox_message.id"],
            name=op.f("fk_outbox_receipt_message_id_outbox_message"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("message_id", "effect", name=op.f("pk_outbox_receipt")),
    )


def downgrade() -> None:
    op.drop_table("outbox_receipt")
