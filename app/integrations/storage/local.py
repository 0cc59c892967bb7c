"""Local disk storage with URLs the app serves itself, signed like a cloud bucket's: an HMAC
over the method, key, expiry, content type and size, so an upload URL cannot be reused for
another object, another type, a bigger file or after it expires."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import shutil
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlencode

from app.integrations.storage.base import ObjectInfo, UploadTicket


class LocalStorage:
    def __init__(self, root: Path, base_url: str, signing_key: bytes) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.base_url = base_url.rstrip("/")
        self.signing_key = signing_key

    # --- signatures ---------------------------------------------------------------------

    def sign(
        self, method: str, key: str, expires: int, content_type: str = "", length: int = 0
    ) -> str:
        message = f"{method}\n{key}\n{expires}\n{content_type}\n{length}".encode()
        return hmac.new(self.signing_key, message, hashlib.sha256).hexdigest()

    def check(
        self,
        method: str,
        key: str,
        expires: int,
        signature: str,
        content_type: str = "",
        length: int = 0,
    ) -> str | None:
        """None when valid; otherwise why not ("expired" or "signature")."""
        expected = self.sign(method, key, expires, content_type, length)
        if not hmac.compare_digest(expected, signature):
            return "signature"
        if expires < time.time():
            return "expired"
        return None

    # --- paths --------------------------------------------------------------------------

    def _safe(self, area: str, key: str) -> Path:
        base = (self.root / area).resolve()
        path = (base / key).resolve()
        if base not in path.parents:
            raise ValueError("key escapes the storage root")
        return path

    def upload_path(self, key: str) -> Path:
        return self._safe("uploads", key)

    def object_path(self, key: str) -> Path:
        return self._safe("objects", key)

    # --- Storage ------------------------------------------------------------------------

    async def upload_ticket(
        self, key: str, content_type: str, size_bytes: int, expires_at: datetime
    ) -> UploadTicket:
        expires = int(expires_at.timestamp())
        query = urlencode(
            {
                "exp": expires,
                "ct": content_type,
                "len": size_bytes,
                "sig": self.sign("PUT", key, expires, content_type, size_bytes),
            }
        )
        return UploadTicket(
            method="PUT",
            url=f"{self.base_url}/media/upload/{quote(key)}?{query}",
            expires_at=expires_at,
            headers={"Content-Type": content_type},
        )

    def record_upload(self, key: str, data_path: Path, content_type: str) -> None:
        """Called by the upload endpoint once the bytes are on disk."""
        target = self.upload_path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        data_path.replace(target)
        target.with_name(target.name + ".meta").write_text(
            json.dumps({"content_type": content_type})
        )

    async def stat_upload(self, key: str) -> ObjectInfo | None:
        def stat() -> ObjectInfo | None:
            path = self.upload_path(key)
            if not path.exists():
                return None
            meta = json.loads(path.with_name(path.name + ".meta").read_text())
            return ObjectInfo(size=path.stat().st_size, content_type=meta["content_type"])

        return await asyncio.to_thread(stat)

    async def read_upload_head(self, key: str, length: int) -> bytes:
        def read() -> bytes:
            with self.upload_path(key).open("rb") as file:
                return file.read(length)

        return await asyncio.to_thread(read)

    async def promote(self, key: str) -> None:
        def move() -> None:
            source, target = self.upload_path(key), self.object_path(key)
            if not source.exists() and target.exists():
                return  # promoted before
            target.parent.mkdir(parents=True, exist_ok=True)
            source.replace(target)
            source.with_name(source.name + ".meta").unlink(missing_ok=True)

        await asyncio.to_thread(move)

    async def download_to(self, key: str, path: Path) -> None:
        await asyncio.to_thread(shutil.copyfile, self.object_path(key), path)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        def write() -> None:
            target = self.object_path(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            partial.write_bytes(data)
            partial.replace(target)

        await asyncio.to_thread(write)

    async def download_url(self, key: str, expires_at: datetime) -> str:
        expires = int(expires_at.timestamp())
        query = urlencode({"exp": expires, "sig": self.sign("GET", key, expires)})
        return f"{self.base_url}/media/{quote(key)}?{query}"

    async def delete(self, keys: list[str]) -> None:
        def remove() -> None:
            for key in keys:
                self.object_path(key).unlink(missing_ok=True)

        await asyncio.to_thread(remove)

    async def delete_upload(self, key: str) -> None:
        def remove() -> None:
            path = self.upload_path(key)
            path.unlink(missing_ok=True)
            path.with_name(path.name + ".meta").unlink(missing_ok=True)

        await asyncio.to_thread(remove)
