"""Weekly reports as they were sent: one row per explorer and ISO week, written when the
report goes out (its key makes a rerun send nothing twice) and kept for the family's export;
it goes with the profile."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from app.core.schema import timestamp_field


class WeeklyReport(SQLModel, table=True):
    __tablename__ = "weekly_report"
    __table_args__ = (sa.CheckConstraint("week ~ '^[0-9]{4}-W[0-9]{2}$'", name="week"),)

    profile_id: uuid.UUID = Field(foreign_key="profile.id", ondelete="CASCADE", primary_key=True)
    week: str = Field(sa_type=sa.String(8), primary_key=True)
    sent_at: datetime = timestamp_field(default_now=True)
    report: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)


TABLES = (WeeklyReport,)
