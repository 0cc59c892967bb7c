from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from app.catalog.schemas import Kind


class ShareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Kind
    item_id: uuid.UUID


class ShareOut(BaseModel):
    code: str
    url: str = Field(description="The link to share: `/r/{code}` on this service")


class DisableIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=16)
