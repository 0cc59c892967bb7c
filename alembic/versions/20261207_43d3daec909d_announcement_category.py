"""announcements are a notification category parents control; stream tickets are kept
(used, with their times) for the family's export

Revision ID: 43d3daec909d
Revises: 9a1ef018ee83
Create Date: 2026-12-07 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "43d3daec909d"
down_revision: str | None = "9a1ef018ee83"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BEFORE = "category IN ('new_content', 'reminder', 'progress', 'classroom', 'account')"
_AFTER = (
    "category IN ('new_content', 'reminder', 'progress', 'classroom', 'account', 'announcement')"
)


def upgrade() -> None:
    op.drop_constraint(op.f("ck_notification_category"), "notification", type_="check")
    op.create_check_constraint(op.f("ck_notification_category"), "notification", _AFTER)
    op.add_column(
        "stream_ticket",
        sa.Column(
            "issued_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )
    # Tickets out now were issued a minute before they expire.
    op.execute("UPDATE stream_ticket SET issued_at = expires_at - interval '60 seconds'")
    op.add_column("stream_ticket", sa.Column("used_at", sa.DateTime(timezone=True)))
    op.create_index(op.f("ix_stream_ticket_expires_at"), "stream_ticket", ["expires_at"])


def downgrade() -> None:
    # A used ticket was deleted before: it goes, so it cannot be redeemed again.
    op.execute("DELETE FROM stream_ticket WHERE used_at IS NOT NULL")
    op.drop_index(op.f("ix_stream_ticket_expires_at"), table_name="stream_ticket")
    op.drop_column("stream_ticket", "used_at")
    op.drop_column("stream_ticket", "issued_at")
    # Sent announcements keep their rows, under the category they were sent with before.
    op.execute(
        "UPDATE notification SET category = CASE WHEN profile_id IS NULL THEN 'account' "
        "ELSE 'new_content' END WHERE category = 'announcement'"
    )
    op.drop_constraint(op.f("ck_notification_category"), "notification", type_="check")
    op.create_check_constraint(op.f("ck_notification_category"), "notification", _BEFORE)
