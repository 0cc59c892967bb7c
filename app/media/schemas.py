from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, JsonValue, StrictInt, StringConstraints

from app.media.models import MediaAsset
from app.media.policy import RULES, Purpose

CONTENT_TYPES: list[JsonValue] = [*sorted({t for rule in RULES.values() for t in rule.types})]


class UploadCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
    content_type: str = Field(
        max_length=100,
        examples=["video/mp4"],
        description="Per purpose: "
        + "; ".join(f"{purpose.value}: {', '.join(rule.types)}" for purpose, rule in RULES.items()),
        json_schema_extra={"enum": list(CONTENT_TYPES)},
    )
    size_bytes: StrictInt = Field(gt=0, le=2**40)
    purpose: Purpose


class UploadTicketOut(BaseModel):
    upload_id: uuid.UUID
    method: str
    url: str
    headers: dict[str, str]
    fields: dict[str, str]
    expires_at: datetime


class AssetOut(BaseModel):
    id: uuid.UUID
    kind: Purpose
    content_type: str
    size_bytes: int
    filename: str
    status: str
    failure_reason: str | None
    duration_ms: int | None
    width: int | None
    height: int | None
    url: str | None = Field(description="Short-lived download URL, once the asset is ready")
    created_at: datetime

    @classmethod
    def of(cls, asset: MediaAsset, url: str | None) -> AssetOut:
        return cls(
            id=asset.id,
            kind=Purpose(asset.kind),
            content_type=asset.content_type,
            size_bytes=asset.size_bytes,
            filename=asset.filename,
            status=asset.status,
            failure_reason=asset.failure_reason,
            duration_ms=asset.duration_ms,
            width=asset.width,
            height=asset.height,
            url=url,
            created_at=asset.created_at,
        )
