"""sign-in hardening: token not-before, verified sign-in links

Revision ID: 5ec0a1b2c3d4
Revises: c3be3b144d3f
Create Date: 2026-12-02 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5ec0a1b2c3d4"
down_revision: str | None = "c3be3b144d3f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "account", sa.Column("tokens_not_before", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "account",
        sa.Column("explorer_tokens_not_before", sa.DateTime(timezone=True), nullable=True),
    )
    # 'notice': an email without a code (someone tried to register a taken address); a row
    # so that it counts against the same hourly cap per address as the codes.
    op.drop_constraint(op.f("ck_email_code_purpose"), "email_code", type_="check")
    op.create_check_constraint(
        op.f("ck_email_code_purpose"),
        "email_code",
        "purpose IN ('verify', 'passwordless', 'reset', 'notice')",
    )


def downgrade() -> None:
    op.execute("DELETE FROM email_code WHERE purpose = 'notice'")
    op.drop_constraint(op.f("ck_email_code_purpose"), "email_code", type_="check")
    op.create_check_constraint(
        op.f("ck_email_code_purpose"),
        "email_code",
        "purpose IN ('verify', 'passwordless', 'reset')",
    )
    op.drop_column("account", "explorer_tokens_not_before")
    op.drop_column("account", "tokens_not_before")
