"""Examples of the audit log's answers."""

from __future__ import annotations

from typing import Any

AUDIT_PAGE: dict[str, Any] = {
    "items": [
        {
            "id": "5b0c7e2a-1f4d-4e8a-9c63-2d7f8a1b9e40",
            "at": "2026-12-08T09:14:03.512Z",
            "actor_id": "657fffa6-dc9f-4955-8c6f-c1320822af8a",
            "actor_role": "editor",
            "action": "update",
            "target_type": "video",
            "target_id": "e3fbcc1a-2fe3-509a-807b-e90c38e6339e",
            "changes": {"age_min": {"before": 3, "after": 4}},
            "route": "PATCH /api/v1/admin/videos/{item_id}",
            "request_id": "8f2c1d0e9b7a4c65",
        }
    ],
    "next_cursor": None,
}
