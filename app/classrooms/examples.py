"""Examples of the classrooms' operations, naming the demo's content by its stable ids
(app/core/examples.py)."""

from __future__ import annotations

from typing import Any

from app.catalog.examples import DEMO_DIY
from app.core.examples import demo_id

KENTE_VIDEO = demo_id("video", "Kente Colours: Weaving a Story")
CLASSROOM_IN: dict[str, Any] = {
    "name": "Class 2 Explorers",
    "age_band": "6-8",
    "time_zone": "Africa/Accra",
}
CLASSROOM_PATCH: dict[str, Any] = {"grade": "Primary 2"}
INVITE_IN: dict[str, Any] = {"email": "co-teacher@example.com"}
ASSIGNMENT_IN: dict[str, Any] = {
    "title": "Kente week",
    "note": "Watch the kente video, then weave your own paper kente.",
    "items": [
        {"kind": "video", "item_id": str(KENTE_VIDEO)},
        {"kind": "diy", "item_id": str(DEMO_DIY)},
    ],
    "due_date": "2030-01-10",
}
REORDER_IN: dict[str, Any] = {
    "ids": ["6a2e4c8f-1d3b-4f5a-9c7e-2b4d6f8a0c13", "0e9c7a5b-3f1d-4b2c-8a6e-4d2f0b9c7e51"]
}
ASSIGNMENT_PATCH: dict[str, Any] = {"due_date": "2030-01-17"}
JOIN_IN: dict[str, Any] = {"code": "K7QM2XPA"}
