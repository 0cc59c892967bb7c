"""Audit events: append-only (a trigger refuses UPDATE and DELETE, see the migration)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from app.core.schema import timestamp_field


class AuditEvent(SQLModel, table=True):
    """One row written by a staff member. No foreign key to the actor: the record outlives
    the account (until retention)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        sa.CheckConstraint("action IN ('create', 'update', 'delete')", name="action"),
        sa.Index("ix_audit_event_at", sa.text("at DESC"), sa.text("id DESC")),
        sa.Index("ix_audit_event_actor", "actor_id", sa.text("at DESC")),
        sa.Index("ix_audit_event_target", "target_type", "target_id", sa.text("at DESC")),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    at: datetime = timestamp_field(default_now=True)
    actor_id: uuid.UUID
    actor_role: str = Field(sa_type=sa.String(16))
    action: str = Field(sa_type=sa.String(8))
    target_type: str = Field(sa_type=sa.String(64))
    target_id: str = Field(sa_type=sa.String(200))
    # {field: {"before": ..., "after": ...}}; secrets appear as "[redacted]".
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    route: str = Field(default="", sa_type=sa.String(300))
    request_id: str | None = Field(default=None, sa_type=sa.String(128))
