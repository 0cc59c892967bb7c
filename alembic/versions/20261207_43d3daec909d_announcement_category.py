"""announcements are a notification category of their own, which parents control

Revision ID: 43d3daec909d
Revises: cf3a4b5c6d7e
Create Date: 2026-12-07 21:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "43d3daec909d"
down_revision: str | None = "cf3a4b5c6d7e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BEFORE = "category IN ('new_content', 'reminder', 'progress', 'classroom', 'account')"
_AFTER = (
    "category IN ('new_content', 'reminder', 'progress', 'classroom', 'account', 'announcement')"
)


def upgrade() -> None:
    op.drop_constraint(op.f("ck_notification_category"), "notification", type_="check")
    op.create_check_constraint(op.f("ck_notification_category"), "notification", _AFTER)


def downgrade() -> None:
    # Sent announcements keep their rows, under the category they were sent with before.
    op.execute(
        "UPDATE notification SET category = CASE WHEN profile_id IS NULL THEN 'account' "
        "ELSE 'new_content' END WHERE category = 'announcement'"
    )
    op.drop_constraint(op.f("ck_notification_category"), "notification", type_="check")
    op.create_check_constraint(op.f("ck_notification_category"), "notification", _BEFORE)
