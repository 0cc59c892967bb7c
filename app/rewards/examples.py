"""Examples of the rewards' operations: the demo's badges (stable ids, app/rewards/seed.py),
an editor adding one, and an explorer's badges as its app reads them."""

from __future__ import annotations

from typing import Any

from app.rewards.seed import badge_id

# A demo badge explorers earn as they read (the operations that read or change one).
DEMO_BADGE = badge_id("folktale-fan")
# A demo badge the demo's family has not earned: deleting it works as it is.
UNEARNED_BADGE = badge_id("master-maker")

BADGE_IN: dict[str, Any] = {
    "slug": "video-voyager",
    "title": "Video voyager",
    "description": "You watched three videos all the way through!",
    "picture_asset_id": None,
    "criterion": {"kind": "items_completed", "count": 3, "of": {"item_kind": "video"}},
    "unlocks": [],
    "sort_order": 130,
}
BADGE_PATCH: dict[str, Any] = {
    "description": "You read four folktales of Ghana.",
    "criterion": {"kind": "items_completed", "count": 4, "of": {"item_kind": "ebook"}},
}
REWARD_SETTINGS: dict[str, Any] = {"enabled": True, "tell_parent": True}

# Answers, as the server gives them.
_PICTURE = "9d2f4c1e-7b3a-5e8d-a6c0-4f1b2e3d5a67"
BADGE_OUT: dict[str, Any] = {
    "id": str(DEMO_BADGE),
    "slug": "folktale-fan",
    "title": "Folktale fan",
    "description": "You read three folktales of Ghana.",
    "picture_asset_id": _PICTURE,
    "picture_url": f"/api/v1/assets/{_PICTURE}",
    "criterion": {
        "kind": "items_completed",
        "count": 3,
        "of": {"theme_id": "3c8e0b7a-1d2f-5a4b-9c6d-7e8f9a0b1c2d"},
    },
    "unlocks": [],
    "sort_order": 50,
    "created_at": "2026-12-07T09:00:00Z",
    "updated_at": "2026-12-07T09:00:00Z",
}
GET_BADGE_OUT = BADGE_OUT
LIST_BADGES_OUT: dict[str, Any] = {"items": [BADGE_OUT], "next_cursor": None}
CREATE_BADGE_OUT: dict[str, Any] = {
    **BADGE_IN,
    "id": "b1e7a2c4-5d3f-4e6a-8b9c-0d1e2f3a4b5c",
    "picture_url": None,
    "created_at": "2026-12-08T09:00:00Z",
    "updated_at": "2026-12-08T09:00:00Z",
}
UPDATE_BADGE_OUT: dict[str, Any] = {
    **BADGE_OUT,
    **BADGE_PATCH,
    "updated_at": "2026-12-08T09:30:00Z",
}
_CARD: dict[str, Any] = {
    "id": str(DEMO_BADGE),
    "title": "Folktale fan",
    "description": "You read three folktales of Ghana.",
    "picture_url": f"/api/v1/assets/{_PICTURE}",
    "unlocks": [],
}
PROFILE_BADGES_OUT: dict[str, Any] = {
    "enabled": True,
    "earned": [{"badge": _CARD, "earned_at": "2026-12-07T16:40:00Z"}],
    "next": [
        {
            "badge": {
                "id": str(badge_id("story-listener")),
                "title": "Story listener",
                "description": "Two eBooks listened to all the way through, read aloud.",
                "picture_url": f"/api/v1/assets/{_PICTURE}",
                "unlocks": [],
            },
            "progress": 1,
            "goal": 2,
        }
    ],
}
GET_REWARDS_OUT = REWARD_SETTINGS
PUT_REWARDS_OUT = REWARD_SETTINGS
