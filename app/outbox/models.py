from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from app.core.schema import timestamp_field


class OutboxStatus(StrEnum):
    pending = "pending"
    done = "done"
    dead = "dead"


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_message"
    __table_args__ = (
        sa.UniqueConstraint("name", "dedup_key"),
        sa.CheckConstraint("status IN ('pending', 'done', 'dead')", name="status"),
        sa.CheckConstraint("attempts >= 0", name="attempts"),
        sa.Index(
            "ix_outbox_message_due",
            "available_at",
            postgresql_where=sa.text("status = 'pending'"),
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(sa_type=sa.String(100))
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    dedup_key: str | None = Field(default=None, sa_type=sa.String(200))
    status: str = Field(default=OutboxStatus.pending, sa_type=sa.String(10))
    attempts: int = 0
    available_at: datetime = timestamp_field(default_now=True)
    dispatched_at: datetime | None = timestamp_field()
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = timestamp_field(default_now=True)
    completed_at: datetime | None = timestamp_field()


class OutboxReceipt(SQLModel, table=True):
    """An effect outside the database (an email handed to the provider) that a delivery of
    the message completed: written in its own transaction the moment the provider accepted
    it, so a later delivery (after a rollback, a crash or a retry) does not repeat it. The
    message id and the effect's name are its idempotency key."""

    __tablename__ = "outbox_receipt"

    message_id: uuid.UUID = Field(
        foreign_key="outbox_message.id", ondelete="CASCADE", primary_key=True
    )
    effect: str = Field(sa_type=sa.String(100), primary_key=True)
    done_at: datetime = timestamp_field(default_now=True)


TABLES = (OutboxMessage, OutboxReceipt)
