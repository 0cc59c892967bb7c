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

# Answers, as the demo gives them.
LIST_NOTIFICATIONS_OUT: dict[str, Any] = {
    "items": [
        {
            "id": "7d1e0c9a-4b2f-4a6e-8c3d-5f9b1a2e6c48",
            "profile_id": None,
            "category": "new_content",
            "title": "New: Anansi Borrows a Drum",
            "body": "A new episode of Anansi's Adventures is here.",
            "link": "wonderspaced://videos/31545e5e-56db-547d-ba49-852b77bcef72",
            "created_at": "2026-12-08T09:00:00Z",
            "seen_at": "2026-12-08T09:05:12Z",
            "read_at": "2026-12-08T09:05:14Z",
            "archived_at": None,
            "expires_at": None,
        }
    ],
    "next_cursor": None,
}
GET_UNREAD_COUNT_OUT: dict[str, Any] = {"unread": 0}
MARK_ALL_NOTIFICATIONS_READ_OUT: dict[str, Any] = {"updated": 0}
MARK_NOTIFICATION_READ_OUT: dict[str, Any] = {
    "id": "7d1e0c9a-4b2f-4a6e-8c3d-5f9b1a2e6c48",
    "profile_id": None,
    "category": "new_content",
    "title": "New: Anansi Borrows a Drum",
    "body": "A new episode of Anansi's Adventures is here.",
    "link": "wonderspaced://videos/31545e5e-56db-547d-ba49-852b77bcef72",
    "created_at": "2026-12-08T09:00:00Z",
    "seen_at": "2026-12-08T09:05:12Z",
    "read_at": "2026-12-08T09:05:14Z",
    "archived_at": None,
    "expires_at": None,
}
MARK_NOTIFICATION_SEEN_OUT: dict[str, Any] = {
    "id": "7d1e0c9a-4b2f-4a6e-8c3d-5f9b1a2e6c48",
    "profile_id": None,
    "category": "new_content",
    "title": "New: Anansi Borrows a Drum",
    "body": "A new episode of Anansi's Adventures is here.",
    "link": "wonderspaced://videos/31545e5e-56db-547d-ba49-852b77bcef72",
    "created_at": "2026-12-08T09:00:00Z",
    "seen_at": "2026-12-08T09:05:12Z",
    "read_at": None,
    "archived_at": None,
    "expires_at": None,
}
ARCHIVE_NOTIFICATION_OUT: dict[str, Any] = {
    "id": "7d1e0c9a-4b2f-4a6e-8c3d-5f9b1a2e6c48",
    "profile_id": None,
    "category": "new_content",
    "title": "New: Anansi Borrows a Drum",
    "body": "A new episode of Anansi's Adventures is here.",
    "link": "wonderspaced://videos/31545e5e-56db-547d-ba49-852b77bcef72",
    "created_at": "2026-12-08T09:00:00Z",
    "seen_at": "2026-12-08T09:05:12Z",
    "read_at": "2026-12-08T09:05:14Z",
    "archived_at": "2026-12-08T09:06:00Z",
    "expires_at": None,
}
CREATE_STREAM_TICKET_OUT: dict[str, Any] = {
    "ticket": "92oA2LgOjESM0BWgCCScYKyarIm2YwdShPQC9grw7Dg",
    "expires_in": 60,
}
# One event as the stream sends it (the document's `StreamFrame`).
STREAM_NOTIFICATIONS_EVENT_STREAM: dict[str, Any] = {
    "id": "42",
    "event": "notification",
    "data": '{"id": "7d1e0c9a-4b2f-4a6e-8c3d-5f9b1a2e6c48", "title": "New: Anansi Borrows a Drum"}',
}
REGISTER_DEVICE_OUT: dict[str, Any] = {
    "id": "31e5f195-7450-48ae-97e7-44afbc21c3b4",
    "platform": "android",
    "profile_id": None,
    "created_at": "2026-12-08T01:08:45.151423Z",
}
SET_PUSH_CONSENT_OUT: dict[str, Any] = {
    "granted": True,
    "granted_at": "2026-12-08T01:08:45.151423Z",
    "devices_removed": 0,
}
GET_NOTIFICATION_PREFERENCES_OUT: dict[str, Any] = {
    "categories": {
        "new_content": {"in_app": True, "push": False},
        "reminder": {"in_app": True, "push": True},
        "progress": {"in_app": False, "push": False},
        "classroom": {"in_app": True, "push": True},
        "account": {"in_app": True, "push": True},
        "announcement": {"in_app": True, "push": False},
    },
    "quiet_hours": None,
    "reminders": None,
    "nickname_on_lock_screen": False,
}
UPDATE_NOTIFICATION_PREFERENCES_OUT: dict[str, Any] = {
    "categories": {
        "new_content": {"in_app": True, "push": True},
        "reminder": {"in_app": True, "push": False},
        "progress": {"in_app": False, "push": False},
        "classroom": {"in_app": True, "push": True},
        "account": {"in_app": True, "push": True},
        "announcement": {"in_app": True, "push": False},
    },
    "quiet_hours": {"start": "19:30:00", "end": "07:00:00"},
    "reminders": {"days": [1, 3], "time": "16:00:00"},
    "nickname_on_lock_screen": False,
}
FOLLOW_OUT: dict[str, Any] = {
    "kind": "theme",
    "id": "853bc5d8-ece9-522f-a620-6752090c2828",
    "followed_at": "2026-12-08T01:08:45.151423Z",
}
