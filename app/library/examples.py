"""Examples of this module's answers."""

from __future__ import annotations

from typing import Any

# Answers, as the demo gives them.
GET_LIBRARY_OUT: dict[str, Any] = {
    "continue": [],
    "completed": [],
    "saved": [],
    "recommended": [
        {
            "id": "91d42ff6-b049-5789-857d-5843041c8ac1",
            "kind": "diy",
            "title": "Tin Can Talking Drum",
            "theme_id": "853bc5d8-ece9-522f-a620-6752090c2828",
            "age_min": 3,
            "age_max": 7,
            "language": "en",
            "tags": ["drum", "music"],
            "published_at": "2026-12-08T01:08:50.936216Z",
            "image_url": "/api/v1/assets/9737ecce-fef4-4452-91b2-ac4eb50a5942",
            "duration_ms": None,
            "series_id": None,
            "episode": None,
            "category": "diy",
            "author": None,
            "difficulty": "easy",
            "minutes": 15,
            "progress": None,
            "saved_at": None,
        },
        {
            "id": "ae2cfc6d-9805-5d33-a684-8558c7656c8d",
            "kind": "diy",
            "title": "Adinkra Potato Stamps",
            "theme_id": "853bc5d8-ece9-522f-a620-6752090c2828",
            "age_min": 7,
            "age_max": 12,
            "language": "en",
            "tags": ["adinkra", "symbols"],
            "published_at": "2026-12-08T01:08:50.709507Z",
            "image_url": "/api/v1/assets/133773dd-1d10-490b-92be-d7f922712c00",
            "duration_ms": None,
            "series_id": None,
            "episode": None,
            "category": "diy",
            "author": None,
            "difficulty": "medium",
            "minutes": 40,
            "progress": None,
            "saved_at": None,
        },
    ],
    "stats": {
        "minutes_this_week": {"video": 0.0, "ebook": 0.0, "diy": 0.0},
        "items_completed": 0,
        "current_streak": 0,
        "longest_streak": 0,
        "quizzes_taken": 0,
        "quizzes_passed": 0,
    },
    "due_soon": [],
}
GET_MY_EXPLORER_OUT: dict[str, Any] = {
    "explorer": {
        "id": "15c5d648-a361-4aee-88ab-d725f3ddec0a",
        "nickname": "Ama",
        "age_band": "6-8",
        "avatar": {"parts": {}, "colours": {}},
        "avatar_url": "/api/v1/profiles/15c5d648-a361-4aee-88ab-d725f3ddec0a/avatar.svg",
    },
    "streak": {"current": 0, "longest": 0, "learned_today": False},
    "continue": [],
    "recent": [],
}
LIST_SAVED_OUT: dict[str, Any] = {"items": [], "next_cursor": None}
LIST_LIBRARY_SECTION_OUT: dict[str, Any] = {"items": [], "next_cursor": None}
