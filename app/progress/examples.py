"""Examples of the progress operations: heartbeats as the apps send them while an explorer
watches, reads or makes something of the demo."""

from __future__ import annotations

from typing import Any

# `sent_at` is the device's clock when the heartbeat left: a retry sends the same one.
VIDEO_BEAT: dict[str, Any] = {
    "sent_at": "2026-12-07T16:05:30Z",
    "position_ms": 12000,
    "watched": [[0, 12000]],
}
EBOOK_BEAT: dict[str, Any] = {
    "sent_at": "2026-12-07T16:05:30Z",
    "page": 3,
    "pages_read": [1, 2, 3],
    "read_aloud": True,
}
DIY_BEAT: dict[str, Any] = {"sent_at": "2026-12-07T16:05:30Z", "steps_done": [1, 2]}

# Answers, as the demo gives them.
PUT_VIDEO_PROGRESS_OUT: dict[str, Any] = {
    "kind": "video",
    "item_id": "27c039f2-f7df-50ea-837f-c96447e1f2cd",
    "status": "in_progress",
    "percent": 45,
    "position_ms": 12000,
    "page": None,
    "pages_read": None,
    "read_aloud": None,
    "steps_done": None,
    "watched_ms": 12000,
    "seconds_spent": 12,
    "started_at": "2026-12-08T01:08:55.331647Z",
    "completed_at": None,
    "updated_at": "2026-12-08T01:08:55.331647Z",
}
GET_VIDEO_PROGRESS_OUT: dict[str, Any] = {
    "kind": "video",
    "item_id": "27c039f2-f7df-50ea-837f-c96447e1f2cd",
    "status": "in_progress",
    "percent": 45,
    "position_ms": 12000,
    "page": None,
    "pages_read": None,
    "read_aloud": None,
    "steps_done": None,
    "watched_ms": 12000,
    "seconds_spent": 12,
    "started_at": "2026-12-08T01:08:55.331647Z",
    "completed_at": None,
    "updated_at": "2026-12-08T01:08:55.331647Z",
}
PUT_EBOOK_PROGRESS_OUT: dict[str, Any] = {
    "kind": "ebook",
    "item_id": "3b314e93-a2e3-5b5a-88d3-2492c6695b2f",
    "status": "completed",
    "percent": 100,
    "position_ms": None,
    "page": 3,
    "pages_read": [1, 2],
    "read_aloud": True,
    "steps_done": None,
    "watched_ms": None,
    "seconds_spent": 0,
    "started_at": "2026-12-08T01:08:55.388460Z",
    "completed_at": "2026-12-08T01:08:55.388460Z",
    "updated_at": "2026-12-08T01:08:55.388460Z",
}
GET_EBOOK_PROGRESS_OUT: dict[str, Any] = {
    "kind": "ebook",
    "item_id": "3b314e93-a2e3-5b5a-88d3-2492c6695b2f",
    "status": "completed",
    "percent": 100,
    "position_ms": None,
    "page": 3,
    "pages_read": [1, 2],
    "read_aloud": True,
    "steps_done": None,
    "watched_ms": None,
    "seconds_spent": 0,
    "started_at": "2026-12-08T01:08:55.388460Z",
    "completed_at": "2026-12-08T01:08:55.388460Z",
    "updated_at": "2026-12-08T01:08:55.388460Z",
}
PUT_DIY_PROGRESS_OUT: dict[str, Any] = {
    "kind": "diy",
    "item_id": "91d42ff6-b049-5789-857d-5843041c8ac1",
    "status": "in_progress",
    "percent": 66,
    "position_ms": None,
    "page": None,
    "pages_read": None,
    "read_aloud": None,
    "steps_done": [1, 2],
    "watched_ms": None,
    "seconds_spent": 0,
    "started_at": "2026-12-08T01:08:55.435632Z",
    "completed_at": None,
    "updated_at": "2026-12-08T01:08:55.435632Z",
}
GET_DIY_PROGRESS_OUT: dict[str, Any] = {
    "kind": "diy",
    "item_id": "91d42ff6-b049-5789-857d-5843041c8ac1",
    "status": "in_progress",
    "percent": 66,
    "position_ms": None,
    "page": None,
    "pages_read": None,
    "read_aloud": None,
    "steps_done": [1, 2],
    "watched_ms": None,
    "seconds_spent": 0,
    "started_at": "2026-12-08T01:08:55.435632Z",
    "completed_at": None,
    "updated_at": "2026-12-08T01:08:55.435632Z",
}
LIST_PROGRESS_OUT: dict[str, Any] = {"items": [], "next_cursor": None}
SAVE_ITEM_OUT: dict[str, Any] = {
    "kind": "video",
    "item_id": "27c039f2-f7df-50ea-837f-c96447e1f2cd",
    "saved_at": "2026-12-08T01:08:56.952869Z",
}
GET_ACTIVITY_OUT: dict[str, Any] = {
    "timezone": "Africa/Accra",
    "from": "2026-12-02",
    "to": "2026-12-08",
    "days": [
        {
            "date": "2026-12-02",
            "minutes": {"video": 0.0, "ebook": 0.0, "diy": 0.0},
            "started": [],
            "completed": [],
        },
        {
            "date": "2026-12-03",
            "minutes": {"video": 0.0, "ebook": 0.0, "diy": 0.0},
            "started": [],
            "completed": [],
        },
    ],
    "quizzes_taken": 0,
    "quizzes_passed": 0,
}
