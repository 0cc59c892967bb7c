from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.core.schema import timestamp_field

PURPOSES = "('video', 'image', 'audio', 'captions')"


class Upload(SQLModel, table=True):
    """A signed upload handed to an editor; completed once the object is checked."""

    __tablename__ = "upload"
    __table_args__ = (
        sa.CheckConstraint(f"purpose IN {PURPOSES}", name="purpose"),
        sa.CheckConstraint("status IN ('pending', 'completed')", name="status"),
        sa.CheckConstraint("size_bytes > 0", name="size"),
        sa.Index(
            "ix_upload_pending_created",
            "created_at",
            postgresql_where=sa.text("status = 'pending'"),
        ),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    key: str = Field(sa_type=sa.String(255), unique=True)
    purpose: str = Field(sa_type=sa.String(16))
    content_type: str = Field(sa_type=sa.String(100))
    size_bytes: int = Field(sa_type=sa.BigInteger)
    filename: str = Field(sa_type=sa.String(255))
    created_by: uuid.UUID | None = Field(
        default=None, foreign_key="account.id", ondelete="SET NULL"
    )
    status: str = Field(default="pending", sa_type=sa.String(10))
    created_at: datetime = timestamp_field(default_now=True)
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    completed_at: datetime | None = timestamp_field()
    asset_id: uuid.UUID | None = Field(
        default=None, foreign_key="media_asset.id", ondelete="SET NULL"
    )


class MediaAsset(SQLModel, table=True):
    """A stored file content can use once processing has marked it ready."""

    __tablename__ = "media_asset"
    __table_args__ = (
        sa.CheckConstraint(f"kind IN {PURPOSES}", name="kind"),
        sa.CheckConstraint("status IN ('processing', 'ready', 'failed')", name="status"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    key: str = Field(sa_type=sa.String(255), unique=True)
    kind: str = Field(sa_type=sa.String(16))
    content_type: str = Field(sa_type=sa.String(100))
    size_bytes: int = Field(sa_type=sa.BigInteger)
    filename: str = Field(sa_type=sa.String(255))
    status: str = Field(default="processing", sa_type=sa.String(12))
    failure_reason: str | None = Field(default=None, sa_type=sa.String(500))
    duration_ms: int | None = None
    width: int | None = None
    height: int | None = None
    # A video's still, made by processing (an image asset of its own).
    thumbnail_asset_id: uuid.UUID | None = Field(
        default=None, foreign_key="media_asset.id", ondelete="SET NULL"
    )
    created_at: datetime = timestamp_field(default_now=True)
    processed_at: datetime | None = timestamp_field()
