"""Tables of classrooms: the classroom and its join code, co-teachers and their invitations,
the explorers enrolled, and assignments with their items.

A classroom outlives its owner only as an archive: the owner's account going sets
`owner_id` to NULL, and a trigger (in the migration) archives the classroom and switches its
code off in the same statement, so every way an account is deleted archives its classrooms.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.schema import timestamp_field

# No look-alikes: no 0/O, no 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
AGE_BANDS = "('3-5', '6-8', '9-12')"
ITEM_KINDS = "('video', 'ebook', 'diy', 'quiz')"


class Classroom(SQLModel, table=True):
    __tablename__ = "classroom"
    __table_args__ = (
        # Unique among active classrooms: an archived one gives its code back.
        sa.Index(
            "uq_classroom_join_code_active",
            "join_code",
            unique=True,
            postgresql_where=sa.text("archived_at IS NULL"),
        ),
        sa.Index("ix_classroom_owner_id", "owner_id", "created_at"),
        sa.CheckConstraint(f"join_code ~ '^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$'", name="join_code"),
        sa.CheckConstraint("char_length(name) BETWEEN 1 AND 80", name="name"),
        sa.CheckConstraint(f"age_band IS NULL OR age_band IN {AGE_BANDS}", name="age_band"),
        sa.CheckConstraint("grade IS NOT NULL OR age_band IS NOT NULL", name="grade_or_age_band"),
        sa.CheckConstraint("owner_id IS NOT NULL OR archived_at IS NOT NULL", name="owner"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    # NULL once the owner's account is deleted (the classroom is then archived).
    owner_id: uuid.UUID | None = Field(
        default=None, foreign_key="account.id", ondelete="SET NULL", nullable=True
    )
    name: str = Field(sa_type=sa.String(80))
    grade: str | None = Field(default=None, sa_type=sa.String(40))
    age_band: str | None = Field(default=None, sa_type=sa.String(8))
    # Due dates are days of this zone's calendar.
    time_zone: str = Field(sa_type=sa.String(64))
    join_code: str = Field(sa_type=sa.String(8))
    code_enabled: bool = True
    archived_at: datetime | None = timestamp_field()
    created_at: datetime = timestamp_field(default_now=True)
    updated_at: datetime = timestamp_field(default_now=True, on_update=True)


class CoTeacher(SQLModel, table=True):
    """A teacher who shares a classroom with its owner."""

    __tablename__ = "classroom_teacher"

    classroom_id: uuid.UUID = Field(
        foreign_key="classroom.id", ondelete="CASCADE", primary_key=True
    )
    account_id: uuid.UUID = Field(
        foreign_key="account.id", ondelete="CASCADE", primary_key=True, index=True
    )
    added_at: datetime = timestamp_field(default_now=True)


class TeacherInvite(SQLModel, table=True):
    """An invitation to co-teach, by email address; the invitee accepts once signed in."""

    __tablename__ = "classroom_invite"
    __table_args__ = (
        # One pending invitation per classroom and address.
        sa.Index(
            "uq_classroom_invite_pending",
            "classroom_id",
            "email",
            unique=True,
            postgresql_where=sa.text("accepted_at IS NULL"),
        ),
        sa.Index("ix_classroom_invite_email", "email"),
        sa.CheckConstraint("email = lower(email) AND email LIKE '%_@_%'", name="email"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    classroom_id: uuid.UUID = Field(foreign_key="classroom.id", ondelete="CASCADE")
    email: str = Field(sa_type=sa.String(254))
    invited_by: uuid.UUID | None = Field(
        default=None, foreign_key="account.id", ondelete="SET NULL", nullable=True
    )
    created_at: datetime = timestamp_field(default_now=True)
    accepted_at: datetime | None = timestamp_field()


class Membership(SQLModel, table=True):
    """An explorer enrolled by their parent. Goes with the profile."""

    __tablename__ = "classroom_member"

    classroom_id: uuid.UUID = Field(
        foreign_key="classroom.id", ondelete="CASCADE", primary_key=True
    )
    profile_id: uuid.UUID = Field(
        foreign_key="profile.id", ondelete="CASCADE", primary_key=True, index=True
    )
    joined_at: datetime = timestamp_field(default_now=True)


class Assignment(SQLModel, table=True):
    __tablename__ = "assignment"
    __table_args__ = (
        # Deferred: a reorder swaps positions inside one transaction.
        sa.UniqueConstraint(
            "classroom_id",
            "position",
            name="uq_assignment_position",
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.CheckConstraint("char_length(title) BETWEEN 1 AND 120", name="title"),
        sa.CheckConstraint("char_length(note) <= 2000", name="note"),
        sa.CheckConstraint("start_date IS NULL OR start_date <= due_date", name="dates"),
        sa.CheckConstraint("position >= 0", name="position"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    classroom_id: uuid.UUID = Field(foreign_key="classroom.id", ondelete="CASCADE")
    title: str = Field(sa_type=sa.String(120))
    note: str = Field(default="", sa_type=sa.Text)
    # Days of the classroom's calendar: shown from the start of `start_date`, due by the end
    # of `due_date`, wherever the classroom's time zone says those are.
    start_date: date | None = None
    due_date: date
    position: int
    closed_at: datetime | None = timestamp_field()
    created_at: datetime = timestamp_field(default_now=True)
    updated_at: datetime = timestamp_field(default_now=True, on_update=True)


class AssignmentItem(SQLModel, table=True):
    """One thing to do: a video, eBook or DIY, or a quiz, in the teacher's order."""

    __tablename__ = "assignment_item"
    __table_args__ = (
        sa.UniqueConstraint("assignment_id", "kind", "item_id", name="uq_assignment_item_item"),
        sa.CheckConstraint(f"kind IN {ITEM_KINDS}", name="kind"),
        sa.CheckConstraint("position >= 0", name="position"),
    )

    assignment_id: uuid.UUID = Field(
        foreign_key="assignment.id", ondelete="CASCADE", primary_key=True
    )
    position: int = Field(primary_key=True)
    kind: str = Field(sa_type=sa.String(8))
    item_id: uuid.UUID


class HelpAlertsOff(SQLModel, table=True):
    """A teacher who turned off help-needed alerts for one classroom (no row: on)."""

    __tablename__ = "classroom_help_alerts_off"

    classroom_id: uuid.UUID = Field(
        foreign_key="classroom.id", ondelete="CASCADE", primary_key=True
    )
    account_id: uuid.UUID = Field(foreign_key="account.id", ondelete="CASCADE", primary_key=True)
    created_at: datetime = timestamp_field(default_now=True)


TABLES = (
    Classroom,
    CoTeacher,
    TeacherInvite,
    Membership,
    Assignment,
    AssignmentItem,
    HelpAlertsOff,
)
