"""Examples of the progress operations: heartbeats as the apps send them while an explorer
watches, reads or makes something of the demo."""

from __future__ import annotations

from typing import Any

# `sent_at` is the device's clock when the heartbeat left: a retry sends the same one.
VIDEO_BEAT: dict[str, Any] = {
    "sent_at": "2026-12-08T16:05:30Z",
    "position_ms": 12000,
    "watched": [[0, 12000]],
}
EBOOK_BEAT: dict[str, Any] = {
    "sent_at": "2026-12-08T16:05:30Z",
    "page": 3,
    "pages_read": [1, 2, 3],
    "read_aloud": True,
}
DIY_BEAT: dict[str, Any] = {"sent_at": "2026-12-08T16:05:30Z", "steps_done": [1, 2]}
