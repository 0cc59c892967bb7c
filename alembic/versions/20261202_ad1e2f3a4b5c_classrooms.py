"""classrooms: classrooms, teachers, memberships, assignments

Revision ID: ad1e2f3a4b5c
Revises: 9c8d7e6f5a4b
Create Date: 2026-12-02 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ad1e2f3a4b5c"
down_revision: str | None = "9c8d7e6f5a4b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A classroom whose owner's account is deleted (owner_id SET NULL by the foreign key) is
# archived and its code switched off in the same statement, whatever deleted the account.
ARCHIVE_ORPHAN = (
    """
CREATE FUNCTION classroom_archive_orphan() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.archived_at := coalesce(NEW.archived_at, now());
    NEW.code_enabled := false;
    RETURN NEW;
END
$$
""",
    """
CREATE TRIGGER classroom_archive_orphan BEFORE UPDATE OF owner_id ON classroom
    FOR EACH ROW WHEN (NEW.owner_id IS NULL AND OLD.owner_id IS NOT NULL)
    EXECUTE FUNCTION classroom_archive_orphan()
""",
)


def upgrade() -> None:
    op.create_table(
        "classroom",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("grade", sa.String(length=40), nullable=True),
        sa.Column("age_band", sa.String(length=8), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("join_code", sa.String(length=8), nullable=False),
        sa.Column("code_enabled", sa.Boolean(), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
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
            "age_band IS NULL OR age_band IN ('3-5', '6-8', '9-12')",
            name=op.f("ck_classroom_age_band"),
        ),
        sa.CheckConstraint(
            "join_code ~ '^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$'",
            name=op.f("ck_classroom_join_code"),
        ),
        sa.CheckConstraint("char_length(name) BETWEEN 1 AND 80", name=op.f("ck_classroom_name")),
        sa.CheckConstraint(
            "grade IS NOT NULL OR age_band IS NOT NULL", name=op.f("ck_classroom_grade_or_age_band")
        ),
        sa.CheckConstraint(
            "owner_id IS NOT NULL OR archived_at IS NOT NULL", name=op.f("ck_classroom_owner")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["account.id"],
            name=op.f("fk_classroom_owner_id_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classroom")),
    )
    op.create_index("ix_classroom_owner_id", "classroom", ["owner_id", "created_at"], unique=False)
    op.create_index(
        "uq_classroom_join_code_active",
        "classroom",
        ["join_code"],
        unique=True,
        postgresql_where=sa.text("archived_at IS NULL"),
    )
    op.create_table(
        "assignment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("classroom_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
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
        sa.CheckConstraint("char_length(note) <= 2000", name=op.f("ck_assignment_note")),
        sa.CheckConstraint(
            "char_length(title) BETWEEN 1 AND 120", name=op.f("ck_assignment_title")
        ),
        sa.CheckConstraint("position >= 0", name=op.f("ck_assignment_position")),
        sa.CheckConstraint(
            "start_date IS NULL OR start_date <= due_date", name=op.f("ck_assignment_dates")
        ),
        sa.ForeignKeyConstraint(
            ["classroom_id"],
            ["classroom.id"],
            name=op.f("fk_assignment_classroom_id_classroom"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment")),
        sa.UniqueConstraint(
            "classroom_id",
            "position",
            deferrable=True,
            initially="DEFERRED",
            name="uq_assignment_position",
        ),
    )
    op.create_table(
        "classroom_invite",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("classroom_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("invited_by", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "email = lower(email) AND email LIKE '%_@_%'", name=op.f("ck_classroom_invite_email")
        ),
        sa.ForeignKeyConstraint(
            ["classroom_id"],
            ["classroom.id"],
            name=op.f("fk_classroom_invite_classroom_id_classroom"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by"],
            ["account.id"],
            name=op.f("fk_classroom_invite_invited_by_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classroom_invite")),
    )
    op.create_index("ix_classroom_invite_email", "classroom_invite", ["email"], unique=False)
    op.create_index(
        "uq_classroom_invite_pending",
        "classroom_invite",
        ["classroom_id", "email"],
        unique=True,
        postgresql_where=sa.text("accepted_at IS NULL"),
    )
    op.create_table(
        "classroom_member",
        sa.Column("classroom_id", sa.Uuid(), nullable=False),
        sa.Column("profile_id", sa.Uuid(), nullable=False),
        sa.Column(
            "joined_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["classroom_id"],
            ["classroom.id"],
            name=op.f("fk_classroom_member_classroom_id_classroom"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profile.id"],
            name=op.f("fk_classroom_member_profile_id_profile"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("classroom_id", "profile_id", name=op.f("pk_classroom_member")),
    )
    op.create_index(
        op.f("ix_classroom_member_profile_id"), "classroom_member", ["profile_id"], unique=False
    )
    op.create_table(
        "classroom_teacher",
        sa.Column("classroom_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column(
            "added_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_classroom_teacher_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["classroom_id"],
            ["classroom.id"],
            name=op.f("fk_classroom_teacher_classroom_id_classroom"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("classroom_id", "account_id", name=op.f("pk_classroom_teacher")),
    )
    op.create_index(
        op.f("ix_classroom_teacher_account_id"), "classroom_teacher", ["account_id"], unique=False
    )
    op.create_table(
        "assignment_item",
        sa.Column("assignment_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('video', 'ebook', 'diy', 'quiz')", name=op.f("ck_assignment_item_kind")
        ),
        sa.CheckConstraint("position >= 0", name=op.f("ck_assignment_item_position")),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignment.id"],
            name=op.f("fk_assignment_item_assignment_id_assignment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assignment_id", "position", name=op.f("pk_assignment_item")),
        sa.UniqueConstraint("assignment_id", "kind", "item_id", name="uq_assignment_item_item"),
    )

    for statement in ARCHIVE_ORPHAN:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS classroom_archive_orphan ON classroom")
    op.execute("DROP FUNCTION IF EXISTS classroom_archive_orphan()")
    op.drop_table("assignment_item")
    op.drop_index(op.f("ix_classroom_teacher_account_id"), table_name="classroom_teacher")
    op.drop_table("classroom_teacher")
    op.drop_index(op.f("ix_classroom_member_profile_id"), table_name="classroom_member")
    op.drop_table("classroom_member")
    op.drop_index(
        "uq_classroom_invite_pending",
        table_name="classroom_invite",
        postgresql_where=sa.text("accepted_at IS NULL"),
    )
    op.drop_index("ix_classroom_invite_email", table_name="classroom_invite")
    op.drop_table("classroom_invite")
    op.drop_table("assignment")
    op.drop_index(
        "uq_classroom_join_code_active",
        table_name="classroom",
        postgresql_where=sa.text("archived_at IS NULL"),
    )
    op.drop_index("ix_classroom_owner_id", table_name="classroom")
    op.drop_table("classroom")
