from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class UploadTicket:
    """How a client uploads one object straight to storage."""

    method: str  # PUT (local, GCS) or POST (S3 form)
    url: str
    expires_at: datetime
    headers: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ObjectInfo:
    size: int
    content_type: str | None


class Storage(Protocol):
    """Uploads land in an upload area; `promote` moves a checked upload to its permanent
    place (a second bucket on GCS, a prefix elsewhere). Keys are always the server's."""

    async def upload_ticket(
        self, key: str, content_type: str, size_bytes: int, expires_at: datetime
    ) -> UploadTicket: ...

    async def stat_upload(self, key: str) -> ObjectInfo | None: ...

    async def read_upload_head(self, key: str, length: int) -> bytes: ...

    async def promote(self, key: str) -> None: ...

    async def download_to(self, key: str, path: Path) -> None: ...

    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def download_url(self, key: str, expires_at: datetime) -> str: ...

    async def delete(self, keys: list[str]) -> None: ...

    async def delete_upload(self, key: str) -> None: ...
