"""Examples of the media operations, naming the demo's files by their stable ids
(app/core/examples.py): the cover of the demo theme "Anansi tales", uploaded as an editor
uploads (its upload, completed, and its asset)."""

from __future__ import annotations

from typing import Any

from app.core.examples import demo_id

DEMO_COVER_NAME = "theme cover:anansi-tales"
DEMO_UPLOAD = demo_id("upload", DEMO_COVER_NAME)
DEMO_ASSET = demo_id("asset", DEMO_COVER_NAME)
UPLOAD_IN: dict[str, Any] = {
    "filename": "kente-colours.png",
    "content_type": "image/png",
    "size_bytes": 48213,
    "purpose": "image",
}

UPLOAD_TICKET: dict[str, Any] = {
    "upload_id": "8185388d-acbf-41e2-8d82-e62e222e39ab",
    "method": "PUT",
    "url": "http://localhost:8080/media/upload/image/2026/12/486af9cc73054a079449f2708778a198.png?exp=1796694074&sig=3f9c0a5e7b21",
    "headers": {"Content-Type": "image/png"},
    "fields": {},
    "expires_at": "2026-12-08T00:56:14.794790Z",
}
ASSET_OUT: dict[str, Any] = {
    "id": "3693c7c1-907a-5590-bda9-5f313ac40f7c",
    "kind": "image",
    "content_type": "image/png",
    "size_bytes": 24608,
    "filename": "anansi-web.png",
    "status": "ready",
    "failure_reason": None,
    "duration_ms": None,
    "width": 800,
    "height": 600,
    "url": "http://localhost:8080/media/image/2026/12/ff8ad63cb5af459ab50545b874f66665.png?exp=1796694074&sig=3f9c0a5e7b21",
    "created_at": "2026-12-08T00:41:01.860254Z",
}
