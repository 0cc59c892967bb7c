from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.schema import timestamp_field


class RefreshToken(SQLModel, table=True):
    """One refresh token of a session family; only its SHA-256 is stored.

    Each use rotates it: the row is marked `rotated_at` and a new row joins the family.
    Presenting a rotated token again means it was stolen (or replayed): the family dies.
    """

    __tablename__ = "refresh_token"
    __table_args__ = (
        sa.Index(
            "ix_refresh_token_family_live",
            "family_id",
            postgresql_where=sa.text("revoked_at IS NULL"),
        ),
        sa.Index("ix_refresh_token_account_id", "account_id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    account_id: uuid.UUID = Field(foreign_key="account.id", ondelete="CASCADE")
    family_id: uuid.UUID
    token_hash: str = Field(sa_type=sa.String(64), unique=True)
    created_at: datetime = timestamp_field(default_now=True)
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    family_expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    rotated_at: datetime | None = timestamp_field()
    revoked_at: datetime | None = timestamp_field()


class EmailCode(SQLModel, table=True):
    """A 6-digit code sent by email (verify, passwordless sign-in, password reset).

    Stored as an HMAC, valid for 10 minutes, single use, 5 guesses; a new one voids the old.
    A 'notice' row stands for an email without a code, counted against the same cap.
    """

    __tablename__ = "email_code"
    __table_args__ = (
        sa.CheckConstraint(
            "purpose IN ('verify', 'passwordless', 'reset', 'notice')", name="purpose"
        ),
        sa.CheckConstraint("attempts >= 0", name="attempts"),
        sa.Index("ix_email_code_email_created", "email", "created_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    # Lower-cased; not a foreign key: passwordless codes go to emails with no account yet.
    email: str = Field(sa_type=sa.String(254))
    purpose: str = Field(sa_type=sa.String(16))
    code_hash: str = Field(sa_type=sa.String(64))
    attempts: int = 0
    created_at: datetime = timestamp_field(default_now=True)
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    consumed_at: datetime | None = timestamp_field()
