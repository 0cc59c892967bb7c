from __future__ import annotations

import hashlib
import hmac

from app.core.config import Settings, StorageBackend
from app.integrations.storage.base import Storage
from app.integrations.storage.local import LocalStorage


def create_storage(settings: Settings) -> Storage:
    if settings.storage_backend is StorageBackend.gcs:
        from app.integrations.storage.gcs import GcsStorage

        assert settings.gcs_service_account_json
        assert settings.storage_bucket
        return GcsStorage(
            settings.gcs_service_account_json.get_secret_value(),
            settings.storage_bucket,
            settings.storage_upload_bucket or settings.storage_bucket,
        )
    if settings.storage_backend is StorageBackend.s3:
        from app.integrations.storage.s3 import S3Storage

        assert settings.storage_bucket
        return S3Storage(
            settings.storage_bucket,
            region=settings.s3_region,
            endpoint_url=settings.s3_endpoint_url,
        )
    key = hmac.new(
        settings.secret_key.get_secret_value().encode(), b"local-storage-v1", hashlib.sha256
    ).digest()
    return LocalStorage(settings.media_dir, settings.base_url, key)
