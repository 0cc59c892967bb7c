"""Examples of the reports' operations: a week of the demo family's Ama, naming the demo's
content by its stable ids (app/core/examples.py)."""

from __future__ import annotations

from typing import Any

from app.core.examples import demo_id

# Ama, of the demo family (app/profiles/examples.py).
AMA = "15c5d648-a361-4aee-88ab-d725f3ddec0a"

GET_WEEKLY_REPORT_OUT: dict[str, Any] = {
    "profile_id": AMA,
    "nickname": "Ama",
    "week": "2026-W49",
    "from": "2026-11-30",
    "to": "2026-12-06",
    "timezone": "Africa/Accra",
    "minutes": {"video": 14.0, "ebook": 6.5, "diy": 9.0, "total": 29.5},
    "completed": [
        {
            "kind": "video",
            "item_id": str(demo_id("video", "Kente Colours: Weaving a Story")),
            "title": "Kente Colours: Weaving a Story",
            "completed_at": "2026-12-01T16:07:40Z",
        },
        {
            "kind": "ebook",
            "item_id": str(demo_id("ebook", "Anansi and the Pot of Wisdom")),
            "title": "Anansi and the Pot of Wisdom",
            "completed_at": "2026-12-02T18:06:30Z",
        },
        {
            "kind": "diy",
            "item_id": str(demo_id("diy", "Paper Kente Weave")),
            "title": "Paper Kente Weave",
            "completed_at": "2026-12-03T16:09:00Z",
        },
    ],
    "quizzes": [
        {
            "quiz_id": str(demo_id("quiz", "Colours of kente")),
            "title": "Colours of kente",
            "best_stars": 3,
            "attempts": 1,
            "passed": True,
        },
        {
            "quiz_id": str(demo_id("quiz", "Anansi's pot")),
            "title": "Anansi's pot",
            "best_stars": 2,
            "attempts": 2,
            "passed": True,
        },
    ],
    "streak": {"current": 4, "longest": 6},
    "help_needed": [],
    "open_assignments": [
        {
            "assignment_id": "6a2e4c8f-1d3b-4f5a-9c7e-2b4d6f8a0c13",
            "classroom_name": "Class 2 Explorers",
            "title": "Kente week",
            "due_date": "2026-12-11",
            "items_total": 3,
            "items_done": 2,
        }
    ],
    "suggested_next": {
        "kind": "video",
        "item_id": str(demo_id("video", "How Anansi Got the Stories")),
        "title": "How Anansi Got the Stories",
        "why": "assignment",
    },
}
