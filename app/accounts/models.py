from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.schema import timestamp_field


class Role(StrEnum):
    parent = "parent"
    teacher = "teacher"
    editor = "editor"
    admin = "admin"


class Account(SQLModel, table=True):
    __tablename__ = "account"
    __table_args__ = (
        # Emails are compared case-insensitively; stored as given.
        sa.Index("uq_account_email_lower", sa.func.lower(sa.text("email")), unique=True),
        sa.CheckConstraint("role IN ('parent', 'teacher', 'editor', 'admin')", name="role"),
        sa.CheckConstraint("email LIKE '%_@_%'", name="email"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    email: str = Field(sa_type=sa.String(254))
    password_hash: str | None = Field(default=None, sa_type=sa.String(255))
    role: str = Field(default=Role.parent, sa_type=sa.String(16))
    display_name: str | None = Field(default=None, sa_type=sa.String(80))
    locale: str = Field(
        default="en", sa_type=sa.String(16), sa_column_kwargs={"server_default": "en"}
    )
    timezone: str = Field(
        default="Africa/Accra",
        sa_type=sa.String(64),
        sa_column_kwargs={"server_default": "Africa/Accra"},
    )
    # Guards kid mode and the parent zone on a shared device; argon2id like passwords.
    pin_hash: str | None = Field(default=None, sa_type=sa.String(255))
    # Google's stable account id; an account found by it signs in without a password.
    google_sub: str | None = Field(default=None, sa_type=sa.String(255), unique=True)
    email_verified_at: datetime | None = timestamp_field()
    # Until the address is verified, `password_hash` is the password of the registration
    # waiting for its code. Another registration with a different password sets this: the
    # code then confirms the address but keeps no password (app/auth/service.py, register).
    registration_contested: bool = Field(
        default=False, sa_column_kwargs={"server_default": sa.false()}
    )
    disabled_at: datetime | None = timestamp_field()
    # Tokens issued before these instants no longer work: every access and explorer token,
    # or explorer tokens only (a PIN change). The shared cache holds a copy (auth/revocation).
    tokens_not_before: datetime | None = timestamp_field()
    explorer_tokens_not_before: datetime | None = timestamp_field()
    created_at: datetime = timestamp_field(default_now=True)
    updated_at: datetime = timestamp_field(default_now=True, on_update=True)


class Consent(SQLModel, table=True):
    """A parent's acceptance of one version of the privacy notice."""

    __tablename__ = "consent"
    __table_args__ = (sa.UniqueConstraint("account_id", "notice_version"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    account_id: uuid.UUID = Field(foreign_key="account.id", ondelete="CASCADE")
    notice_version: str = Field(sa_type=sa.String(20))
    accepted_at: datetime = timestamp_field(default_now=True)
