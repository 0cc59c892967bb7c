from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ParamSpec, Protocol, TypeVar

from app.core.errors import DependencyUnavailable


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


class StorageUnavailable(DependencyUnavailable):
    """The storage service cannot be reached or is failing on its side (a 5xx, throttling):
    a 503 with Retry-After for the client, never a 500."""

    def __init__(self) -> None:
        super().__init__("Media storage", "storage_unavailable")


P = ParamSpec("P")
R = TypeVar("R")


def unavailable_on(
    is_outage: Callable[[BaseException], bool],
) -> Callable[[Callable[P, Coroutine[Any, Any, R]]], Callable[P, Coroutine[Any, Any, R]]]:
    """Turns a storage call's transport and server-side failures into StorageUnavailable;
    the backend decides which of its SDK's errors those are."""

    def decorate(
        method: Callable[P, Coroutine[Any, Any, R]],
    ) -> Callable[P, Coroutine[Any, Any, R]]:
        @functools.wraps(method)
        async def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return await method(*args, **kwargs)
            except Exception as exc:
                if is_outage(exc):
                    raise StorageUnavailable() from exc
                raise

        return guarded

    return decorate
