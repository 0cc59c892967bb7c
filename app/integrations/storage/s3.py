"""Amazon S3 (or anything speaking its API): presigned POST whose policy pins the key, the
content type and the exact size; presigned GET for downloads. Uploads land under `uploads/`
and are copied to their key when confirmed. boto3 runs in a worker thread."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from app.integrations.storage.base import ObjectInfo, UploadTicket, unavailable_on

UPLOAD_PREFIX = "uploads/"
_THROTTLED = {"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout"}


def _outage(exc: BaseException) -> bool:
    """S3 unreachable (connect, read, closed connection) or failing on its side."""
    if isinstance(exc, BotoConnectionError | HTTPClientError):
        return True
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return int(status) >= 500 or exc.response.get("Error", {}).get("Code") in _THROTTLED
    return False


_guarded = unavailable_on(_outage)


class S3Storage:
    def __init__(
        self,
        bucket: str,
        client: Any | None = None,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
    ) -> None:
        if client is None:
            import boto3

            client = boto3.client("s3", region_name=region, endpoint_url=endpoint_url)
        self.client = client
        self.bucket = bucket

    @staticmethod
    def _seconds_until(expires_at: datetime) -> int:
        return max(1, int((expires_at - datetime.now(UTC)).total_seconds()))

    async def upload_ticket(
        self, key: str, content_type: str, size_bytes: int, expires_at: datetime
    ) -> UploadTicket:
        post = self.client.generate_presigned_post(
            Bucket=self.bucket,
            Key=UPLOAD_PREFIX + key,
            Fields={"Content-Type": content_type},
            Conditions=[
                {"Content-Type": content_type},
                ["content-length-range", size_bytes, size_bytes],
            ],
            ExpiresIn=self._seconds_until(expires_at),
        )
        return UploadTicket(
            method="POST", url=post["url"], expires_at=expires_at, fields=post["fields"]
        )

    @_guarded
    async def stat_upload(self, key: str) -> ObjectInfo | None:
        try:
            head = await asyncio.to_thread(
                self.client.head_object, Bucket=self.bucket, Key=UPLOAD_PREFIX + key
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise
        return ObjectInfo(size=int(head["ContentLength"]), content_type=head.get("ContentType"))

    @_guarded
    async def read_upload_head(self, key: str, length: int) -> bytes:
        response = await asyncio.to_thread(
            self.client.get_object,
            Bucket=self.bucket,
            Key=UPLOAD_PREFIX + key,
            Range=f"bytes=0-{length - 1}",
        )
        data: bytes = await asyncio.to_thread(response["Body"].read)
        return data

    @_guarded
    async def promote(self, key: str) -> None:
        def copy() -> None:
            try:
                self.client.copy_object(
                    Bucket=self.bucket,
                    Key=key,
                    CopySource={"Bucket": self.bucket, "Key": UPLOAD_PREFIX + key},
                )
            except ClientError:
                self.client.head_object(Bucket=self.bucket, Key=key)  # copied before?
                return
            self.client.delete_object(Bucket=self.bucket, Key=UPLOAD_PREFIX + key)

        await asyncio.to_thread(copy)

    @_guarded
    async def download_to(self, key: str, path: Path) -> None:
        await asyncio.to_thread(self.client.download_file, self.bucket, key, str(path))

    @_guarded
    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(
            self.client.put_object, Bucket=self.bucket, Key=key, Body=data, ContentType=content_type
        )

    async def download_url(self, key: str, expires_at: datetime) -> str:
        url: str = self.client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket, "Key": key},
            ExpiresIn=self._seconds_until(expires_at),
        )
        return url

    @_guarded
    async def delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):
            batch = [{"Key": key} for key in keys[start : start + 1000]]
            await asyncio.to_thread(
                self.client.delete_objects,
                Bucket=self.bucket,
                Delete={"Objects": batch, "Quiet": True},
            )

    @_guarded
    async def delete_upload(self, key: str) -> None:
        await asyncio.to_thread(
            self.client.delete_object, Bucket=self.bucket, Key=UPLOAD_PREFIX + key
        )
