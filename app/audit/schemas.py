from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class AuditAction(StrEnum):
    """What a staff write did to a row."""

    create = "create"
    update = "update"
    delete = "delete"


Action = AuditAction


class AuditEventOut(BaseModel):
    id: uuid.UUID
    at: datetime
    actor_id: uuid.UUID
    actor_role: str
    action: Action
    target_type: str = Field(description="The table written, e.g. `video`, `account`")
    target_id: str = Field(description="The row's primary key (parts joined by commas)")
    changes: dict[str, Any] = Field(
        description='Changed fields: {"field": {"before": ..., "after": ...}}; '
        'secrets only as "[redacted]"'
    )
    route: str = Field(description="Method and route template of the staff request")
    request_id: str | None


@dataclass(frozen=True)
class AuditFilters:
    actor: uuid.UUID | None = None
    target_type: str | None = None
    target_id: str | None = None
    action: Action | None = None
    from_: datetime | None = None
    to: datetime | None = None
