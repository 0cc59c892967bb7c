"""stream tickets remember their sign-in; push tokens capped; retried pushes skip devices reached

Revision ID: cf3a4b5c6d7e
Revises: be2f3a4b5c6d
Create Date: 2026-12-02 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cf3a4b5c6d7e"
down_revision: str | None = "be2f3a4b5c6d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Tickets live for a minute: the ones already out are dropped rather than given an
    # issue time they never had.
    op.execute("DELETE FROM stream_ticket")
    op.add_column("stream_ticket", sa.Column("issued_us", sa.BigInteger(), nullable=False))
    # No push service issues tokens this long: such rows cannot be real devices.
    op.execute("DELETE FROM device WHERE length(token) > 512")
    op.alter_column(
        "device",
        "token",
        existing_type=sa.String(length=4096),
        type_=sa.String(length=512),
        existing_nullable=False,
    )
    op.add_column(
        "notification",
        sa.Column("pushed_device_ids", sa.ARRAY(sa.Uuid()), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("notification", "pushed_device_ids")
    op.alter_column(
        "device",
        "token",
        existing_type=sa.String(length=512),
        type_=sa.String(length=4096),
        existing_nullable=False,
    )
    op.drop_column("stream_ticket", "issued_us")
