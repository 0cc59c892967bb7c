"""Examples of the dashboards' answers, as a freshly started demo gives them."""

from __future__ import annotations

from typing import Any

OVERVIEW: dict[str, Any] = {
    "from": "2026-11-09",
    "to": "2026-12-08",
    "interval": "day",
    "includes_today": True,
    "points": [
        {
            "start": "2026-11-09",
            "end": "2026-11-09",
            "new_accounts": 0,
            "new_profiles": 0,
            "active_explorers": 0,
            "dau": 0,
            "wau": 0,
            "mau": 0,
            "minutes_watched": 0,
            "minutes_read": 0,
            "minutes_diy": 0,
            "starts": 0,
            "completions": 0,
            "quiz_attempts": 0,
            "quiz_pass_rate": None,
            "partial": [],
        },
        {
            "start": "2026-11-10",
            "end": "2026-11-10",
            "new_accounts": 0,
            "new_profiles": 0,
            "active_explorers": 0,
            "dau": 0,
            "wau": 0,
            "mau": 0,
            "minutes_watched": 0,
            "minutes_read": 0,
            "minutes_diy": 0,
            "starts": 0,
            "completions": 0,
            "quiz_attempts": 0,
            "quiz_pass_rate": None,
            "partial": [],
        },
    ],
}
CONTENT_STATS: dict[str, Any] = {
    "from": "2026-11-09",
    "to": "2026-12-08",
    "sort": "starts",
    "items": [
        {
            "kind": "video",
            "id": "31545e5e-56db-547d-ba49-852b77bcef72",
            "title": "Anansi Borrows a Drum",
            "theme_id": "34bf35db-152e-59aa-9cae-425f1cbfed68",
            "starts": "fewer than 5",
            "completions": 0,
            "completion_rate": None,
            "quiz_attempts": 0,
            "quiz_pass_rate": None,
            "partial": ["starts"],
        }
    ],
}
