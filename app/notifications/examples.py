"""Examples of the notifications' operations, naming the demo's content by its stable ids
(app/core/examples.py)."""

from __future__ import annotations

from typing import Any

from app.catalog.examples import DEMO_SERIES

ANNOUNCEMENT_ID = "3c9d2f61-7a4e-4b8c-9e15-6d2a8f0b7c34"

# A preview: answers who it would reach, and stores and sends nothing, so the example can be
# tried as it is; `"preview": false` (or left out) sends it.
ANNOUNCEMENT_IN: dict[str, Any] = {
    "title": "New episodes of Anansi's Adventures",
    "body": "Anansi is back with two new tales. Come and watch!",
    "link": f"wonderspaced://series/{DEMO_SERIES}",
    "audience": "followers",
    "target": {"kind": "series", "id": str(DEMO_SERIES)},
    "preview": True,
}

ANNOUNCEMENT_PREVIEW: dict[str, Any] = {
    "id": None,
    "title": "New episodes of Anansi's Adventures",
    "body": "Anansi is back with two new tales. Come and watch!",
    "link": "wonderspaced://series/179b9a09-26db-5d2a-9cd6-6805a72e4dab",
    "audience": "followers",
    "target": {"kind": "series", "id": "179b9a09-26db-5d2a-9cd6-6805a72e4dab"},
    "send_at": None,
    "sent_at": None,
    "status": "preview",
    "audience_size": 0,
    "reached": 0,
}
ANNOUNCEMENT_SENT: dict[str, Any] = {
    **ANNOUNCEMENT_PREVIEW,
    "id": ANNOUNCEMENT_ID,
    "sent_at": "2026-12-08T09:00:00Z",
    "send_at": "2026-12-08T09:00:00Z",
    "status": "sending",
    "audience_size": 3,
    "reached": 1,
}
DEVICE_IN: dict[str, Any] = {
    "platform": "android",
    "token": "dQw4w9WgXcQ:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx",
    "profile_id": None,
}
PUSH_CONSENT_IN: dict[str, Any] = {"granted": True}
PREFERENCES_IN: dict[str, Any] = {
    "categories": {
        "new_content": {"in_app": True, "push": True},
        "reminder": {"in_app": True, "push": False},
    },
    "quiet_hours": {"start": "19:30", "end": "07:00"},
    "reminders": {"days": [1, 3, 5], "time": "16:00"},
    "nickname_on_lock_screen": False,
}
