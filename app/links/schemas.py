from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.catalog.schemas import Kind

# No 0/o, 1/l/i: codes are read aloud and typed from screenshots.
_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 8
CODE_PATTERN = f"^[{_ALPHABET}]{{{CODE_LENGTH}}}$"
ShareCode = Annotated[str, Field(pattern=CODE_PATTERN, description="A share link's code")]


class ShareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Kind
    item_id: uuid.UUID


class ShareOut(BaseModel):
    code: ShareCode
    url: str = Field(description="The link to share: `/r/{code}` on this service")


class DisableIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: ShareCode
