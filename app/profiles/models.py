from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from app.core.schema import timestamp_field

AGE_BANDS = ("3-5", "6-8", "9-12")


class Profile(SQLModel, table=True):
    """One child, as little about them as the app needs: a nickname, an age band, a language,
    reading preferences and an avatar. There are deliberately no columns for a name, birth
    date, email, phone or location."""

    __tablename__ = "profile"
    __table_args__ = (
        sa.Index(
            "uq_profile_account_nickname",
            "account_id",
            sa.func.lower(sa.text("nickname")),
            unique=True,
        ),
        sa.CheckConstraint("age_band IN ('3-5', '6-8', '9-12')", name="age_band"),
        sa.CheckConstraint("narration_speed BETWEEN 0.5 AND 2.0", name="narration_speed"),
        sa.CheckConstraint("char_length(nickname) BETWEEN 1 AND 30", name="nickname"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    account_id: uuid.UUID = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    nickname: str = Field(sa_type=sa.String(30))
    age_band: str = Field(sa_type=sa.String(8))
    language: str = Field(default="en", sa_type=sa.String(16))
    read_aloud: bool = True
    narration_speed: Decimal = Field(default=Decimal("1.00"), sa_type=sa.Numeric(3, 2))
    # {"parts": {slot: part_id}, "colours": {slot: "#rrggbb"}}, checked against the catalogue
    avatar: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    created_at: datetime = timestamp_field(default_now=True)
    updated_at: datetime = timestamp_field(default_now=True, on_update=True)
