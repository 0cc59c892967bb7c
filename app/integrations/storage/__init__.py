"""Object storage behind one interface; STORAGE_BACKEND picks local, gcs or s3."""

from app.integrations.storage.base import ObjectInfo, Storage, UploadTicket
from app.integrations.storage.factory import create_storage

__all__ = ["ObjectInfo", "Storage", "UploadTicket", "create_storage"]
