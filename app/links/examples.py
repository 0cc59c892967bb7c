"""Examples of the share links' operations."""

from __future__ import annotations

from typing import Any

from app.catalog.examples import DEMO_VIDEO

DISABLE_IN: dict[str, Any] = {"code": "k7Qm2xPa"}
SHARE_IN: dict[str, Any] = {"kind": "video", "item_id": str(DEMO_VIDEO)}

# Answers, as the demo gives them.
CREATE_SHARE_LINK_OUT: dict[str, Any] = {
    "code": "kqr6p3tf",
    "url": "http://localhost:8080/r/kqr6p3tf",
}
