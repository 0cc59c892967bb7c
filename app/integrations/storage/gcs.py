"""Google Cloud Storage: V4 signed URLs made offline from the service account's key.

Uploads go to the upload bucket, signed with the exact content type, an
`x-goog-content-length-range` GCS enforces, and `x-goog-if-generation-match: 0` so an object
can never be overwritten; a checked upload is copied to the permanent bucket. SDK calls run
in a worker thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path

import requests
from google.api_core import exceptions as google_exceptions
from google.auth import exceptions as google_auth_exceptions
from google.cloud import storage as gcs  # type: ignore[attr-defined]
from google.oauth2 import service_account

from app.integrations.storage.base import ObjectInfo, UploadTicket, unavailable_on


def _outage(exc: BaseException) -> bool:
    """GCS unreachable, failing on its side (5xx), throttling, or out of retries."""
    return isinstance(
        exc,
        google_exceptions.ServerError
        | google_exceptions.TooManyRequests
        | google_exceptions.RetryError
        | google_auth_exceptions.TransportError
        | requests.ConnectionError
        | requests.Timeout,
    )


_guarded = unavailable_on(_outage)


class GcsStorage:
    def __init__(self, service_account_json: str, bucket: str, upload_bucket: str) -> None:
        info = json.loads(service_account_json)
        self.credentials = service_account.Credentials.from_service_account_info(info)  # type: ignore[no-untyped-call]
        self.client = gcs.Client(project=info.get("project_id"), credentials=self.credentials)
        self.bucket = self.client.bucket(bucket)
        self.upload_bucket = self.client.bucket(upload_bucket)

    @staticmethod
    def _seconds_until(expires_at: datetime) -> int:
        return max(1, int((expires_at - datetime.now(UTC)).total_seconds()))

    def upload_headers(self, content_type: str, size_bytes: int) -> dict[str, str]:
        return {
            "Content-Type": content_type,
            "x-goog-content-length-range": f"{size_bytes},{size_bytes}",
            "x-goog-if-generation-match": "0",
        }

    async def upload_ticket(
        self, key: str, content_type: str, size_bytes: int, expires_at: datetime
    ) -> UploadTicket:
        headers = self.upload_headers(content_type, size_bytes)
        signed_headers = {k: v for k, v in headers.items() if k != "Content-Type"}
        url = self.upload_bucket.blob(key).generate_signed_url(
            version="v4",
            expiration=self._seconds_until(expires_at),
            method="PUT",
            content_type=content_type,
            headers=signed_headers,
            credentials=self.credentials,
        )
        return UploadTicket(method="PUT", url=url, expires_at=expires_at, headers=headers)

    @_guarded
    async def stat_upload(self, key: str) -> ObjectInfo | None:
        blob = await asyncio.to_thread(self.upload_bucket.get_blob, key)
        if blob is None:
            return None
        return ObjectInfo(size=int(blob.size or 0), content_type=blob.content_type)

    @_guarded
    async def read_upload_head(self, key: str, length: int) -> bytes:
        blob = self.upload_bucket.blob(key)
        data: bytes = await asyncio.to_thread(blob.download_as_bytes, start=0, end=length - 1)
        return data

    @_guarded
    async def promote(self, key: str) -> None:
        def copy() -> None:
            try:
                self.upload_bucket.copy_blob(self.upload_bucket.blob(key), self.bucket, key)
            except google_exceptions.NotFound:
                if self.bucket.get_blob(key) is None:
                    raise
                return  # copied before; the upload is already gone
            self.upload_bucket.blob(key).delete()

        await asyncio.to_thread(copy)

    @_guarded
    async def download_to(self, key: str, path: Path) -> None:
        await asyncio.to_thread(self.bucket.blob(key).download_to_filename, str(path))

    @_guarded
    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(
            self.bucket.blob(key).upload_from_string, data, content_type=content_type
        )

    async def download_url(self, key: str, expires_at: datetime) -> str:
        url: str = self.bucket.blob(key).generate_signed_url(
            version="v4",
            expiration=self._seconds_until(expires_at),
            method="GET",
            credentials=self.credentials,
        )
        return url

    @_guarded
    async def delete(self, keys: list[str]) -> None:
        def remove() -> None:
            for key in keys:
                with contextlib.suppress(google_exceptions.NotFound):
                    self.bucket.blob(key).delete()

        await asyncio.to_thread(remove)

    @_guarded
    async def delete_upload(self, key: str) -> None:
        def remove() -> None:
            with contextlib.suppress(google_exceptions.NotFound):
                self.upload_bucket.blob(key).delete()

        await asyncio.to_thread(remove)
