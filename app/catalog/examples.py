"""Examples of the catalogue's operations, naming the demo content by its stable ids
(app/core/examples.py): on a freshly started demo each request example works as it is."""

from __future__ import annotations

from typing import Any

from app.core.examples import demo_id

# The demo's content (app/media/demo/content.py), by slug or title.
DEMO_VIDEO_THEME = demo_id("theme", "anansi-tales")
DEMO_EBOOK_THEME = demo_id("theme", "ghana-folktales")
DEMO_DIY_THEME = demo_id("theme", "ghana-crafts")
DEMO_SERIES = demo_id("series", "anansi-adventures")
DEMO_VIDEO = demo_id("video", "How Anansi Got the Stories")
DEMO_EBOOK = demo_id("ebook", "Anansi and the Pot of Wisdom")
DEMO_DIY = demo_id("diy", "Paper Kente Weave")
# An id the examples show for something a request creates (not in the demo).
NEW_ID = "0b6f4c6e-2f7a-4d47-9a55-3c1f8e2d7b10"
# The demo's cover of "Anansi tales" (app/media/examples.py).
ASSET_ID = str(demo_id("asset", "theme cover:anansi-tales"))
PUBLISHED_AT = "2026-12-01T09:00:00Z"
SCHEDULE_AT = "2030-01-06T08:00:00Z"

THEME_IN: dict[str, Any] = {
    "kind": "video",
    "slug": "market-day",
    "title": "Market day",
    "description": "Counting, colours and trading at a Ghanaian market.",
    "colour": "#1565c0",
    "sort_order": 6,
}
THEME_OUT: dict[str, Any] = {
    "id": str(DEMO_VIDEO_THEME),
    "kind": "video",
    "slug": "anansi-tales",
    "title": "Anansi tales",
    "description": "Stories of Kwaku Anansi, the clever spider of Ghana's folktales.",
    "colour": "#e65100",
    "sort_order": 0,
    "cover_url": f"/api/v1/assets/{ASSET_ID}",
}
THEME_UPDATE: dict[str, Any] = {
    "description": "Stories of Kwaku Anansi, the clever spider, told in Ghana for centuries."
}
SERIES_IN: dict[str, Any] = {
    "theme_id": str(DEMO_VIDEO_THEME),
    "slug": "anansi-and-friends",
    "title": "Anansi and Friends",
    "description": "More tales of the clever spider and the animals he tricks.",
}
SERIES_SUMMARY: dict[str, Any] = {
    "id": str(DEMO_SERIES),
    "slug": "anansi-adventures",
    "title": "Anansi's Adventures",
    "theme_id": str(DEMO_VIDEO_THEME),
    "cover_url": f"/api/v1/assets/{ASSET_ID}",
}
SERIES_UPDATE: dict[str, Any] = {
    "description": "The clever spider's tales from Ghana, one short episode at a time."
}

VIDEO_IN: dict[str, Any] = {
    "theme_id": str(DEMO_VIDEO_THEME),
    "title": "Anansi and the Turtle",
    "description": "Anansi learns that good manners work both ways.",
    "age_min": 4,
    "age_max": 9,
    "language": "en",
    "tags": ["anansi", "manners"],
    "category": "stories",
}
EBOOK_IN: dict[str, Any] = {
    "theme_id": str(DEMO_EBOOK_THEME),
    "title": "Why the Sky Is Far Away",
    "author": "Ama Owusu",
    "reading_level": 2,
    "age_min": 5,
    "age_max": 9,
    "language": "en",
    "tags": ["folktale"],
    "description": "Long ago the sky was close enough to touch.",
    "pages": [
        {"text": "Long ago the sky was so close that people could touch it."},
        {"text": "One day the sky moved far away, and it is there still."},
    ],
}
DIY_IN: dict[str, Any] = {
    "theme_id": str(DEMO_DIY_THEME),
    "title": "Paper Adinkra Bookmark",
    "difficulty": "easy",
    "minutes": 15,
    "tags": ["adinkra", "paper"],
    "age_min": 5,
    "age_max": 10,
    "description": "Draw your favourite adinkra symbol on a bookmark.",
    "materials": [
        {"name": "Card", "quantity": "1 strip", "ask_a_grown_up": False},
        {"name": "Scissors", "quantity": "1 pair", "ask_a_grown_up": True},
    ],
    "steps": [
        {"text": "Cut a strip of card as long as your hand."},
        {"text": "Draw a Sankofa symbol on it and colour it in."},
    ],
}
VIDEO_PATCH: dict[str, Any] = {"tags": ["anansi", "stories", "sky-god"], "age_min": 4}
EBOOK_PATCH: dict[str, Any] = {"reading_level": 2}
DIY_PATCH: dict[str, Any] = {"minutes": 25}


def _item(item_id: Any, kind: str, title: str) -> dict[str, Any]:
    return {
        "id": str(item_id),
        "kind": kind,
        "title": title,
        "status": "published",
        "published_at": PUBLISHED_AT,
        "sort_order": 0,
    }


VIDEO_ITEM = _item(DEMO_VIDEO, "video", "How Anansi Got the Stories")
EBOOK_ITEM = _item(DEMO_EBOOK, "ebook", "Anansi and the Pot of Wisdom")
DIY_ITEM = _item(DEMO_DIY, "diy", "Paper Kente Weave")
VIDEO_PAGE: dict[str, Any] = {"items": [VIDEO_ITEM], "next_cursor": None}
EBOOK_PAGE: dict[str, Any] = {"items": [EBOOK_ITEM], "next_cursor": None}
DIY_PAGE: dict[str, Any] = {"items": [DIY_ITEM], "next_cursor": None}
VIDEO_DETAIL: dict[str, Any] = {
    **VIDEO_ITEM,
    "fields": {
        **VIDEO_IN,
        "title": "How Anansi Got the Stories",
        "description": "Anansi wins all the world's stories from Nyame, the Sky God.",
        "series_id": str(DEMO_SERIES),
        "season": 1,
        "episode": 1,
        "duration_ms": 24000,
        "media_asset_id": ASSET_ID,
        "thumbnail_asset_id": None,
        "captions": [{"language": "en", "asset_id": ASSET_ID}],
    },
}
EBOOK_DETAIL: dict[str, Any] = {
    **EBOOK_ITEM,
    "fields": {
        **EBOOK_IN,
        "title": "Anansi and the Pot of Wisdom",
        "cover_asset_id": ASSET_ID,
        "pages": [
            {
                "text": "The pot fell and broke.",
                "illustration_asset_id": ASSET_ID,
                "narration_asset_id": ASSET_ID,
                "word_timings": [[0, 300], [300, 700], [700, 1000], [1000, 1200], [1200, 1700]],
            }
        ],
    },
}
DIY_DETAIL: dict[str, Any] = {
    **DIY_ITEM,
    "fields": {**DIY_IN, "title": "Paper Kente Weave", "cover_asset_id": ASSET_ID},
}
BULK_RESULT: dict[str, Any] = {"ids": [NEW_ID]}
NARRATION_OUT: dict[str, Any] = {
    "ebook_id": str(DEMO_EBOOK),
    "engine": "local",
    "pages": [1, 2, 3, 4],
    "recorded_pages": [],
}

# --- public reads ------------------------------------------------------------------------

VIDEO_CARD: dict[str, Any] = {
    "id": str(DEMO_VIDEO),
    "kind": "video",
    "title": "How Anansi Got the Stories",
    "theme_id": str(DEMO_VIDEO_THEME),
    "age_min": 4,
    "age_max": 9,
    "language": "en",
    "tags": ["anansi", "stories"],
    "published_at": PUBLISHED_AT,
    "image_url": f"/api/v1/assets/{ASSET_ID}",
    "duration_ms": 24000,
    "series_id": str(DEMO_SERIES),
    "episode": 1,
    "category": "stories",
}
EBOOK_CARD: dict[str, Any] = {
    "id": str(DEMO_EBOOK),
    "kind": "ebook",
    "title": "Anansi and the Pot of Wisdom",
    "theme_id": str(DEMO_EBOOK_THEME),
    "age_min": 4,
    "age_max": 8,
    "language": "en",
    "tags": ["anansi", "wisdom"],
    "published_at": PUBLISHED_AT,
    "image_url": f"/api/v1/assets/{ASSET_ID}",
    "author": "Ama Owusu",
}
DIY_CARD: dict[str, Any] = {
    "id": str(DEMO_DIY),
    "kind": "diy",
    "title": "Paper Kente Weave",
    "theme_id": str(DEMO_DIY_THEME),
    "age_min": 5,
    "age_max": 10,
    "language": "en",
    "tags": ["kente", "paper"],
    "published_at": PUBLISHED_AT,
    "image_url": f"/api/v1/assets/{ASSET_ID}",
    "difficulty": "easy",
    "minutes": 20,
}
VIDEO_CARDS: dict[str, Any] = {"items": [VIDEO_CARD], "next_cursor": None}
EBOOK_CARDS: dict[str, Any] = {"items": [EBOOK_CARD], "next_cursor": None}
DIY_CARDS: dict[str, Any] = {"items": [DIY_CARD], "next_cursor": None}
SEARCH_RESULTS: dict[str, Any] = {
    "items": [{**VIDEO_CARD, "score": 0.82}, {**EBOOK_CARD, "score": 0.61}],
    "next_cursor": None,
}
THEMES: dict[str, Any] = {"items": [THEME_OUT], "next_cursor": None}
SERIES_LIST: dict[str, Any] = {"items": [SERIES_SUMMARY], "next_cursor": None}
SERIES_OUT: dict[str, Any] = {
    **SERIES_SUMMARY,
    "description": "The clever spider's tales from Ghana, one short episode at a time.",
    "episodes": [VIDEO_CARD],
}
MEDIA_URL = f"/api/v1/assets/{ASSET_ID}"
VIDEO_OUT: dict[str, Any] = {
    **VIDEO_CARD,
    "description": "Anansi wins all the world's stories from Nyame, the Sky God.",
    "season": 1,
    "media_url": MEDIA_URL,
    "width": 640,
    "height": 360,
    "captions": [{"language": "en", "url": MEDIA_URL, "content_type": "text/vtt"}],
    "status": "published",
    "quizzes": [],
}
EBOOK_OUT: dict[str, Any] = {
    **EBOOK_CARD,
    "description": "Anansi tries to keep all the wisdom in the world for himself.",
    "reading_level": 2,
    "read_aloud_available": True,
    "pages": [
        {
            "number": 1,
            "text": "The pot fell and broke.",
            "illustration_url": MEDIA_URL,
            "illustration_width": 800,
            "illustration_height": 600,
            "narration_url": MEDIA_URL,
            "narration_source": "tts",
            "word_timings": [[0, 300], [300, 700], [700, 1000], [1000, 1200], [1200, 1700]],
        }
    ],
    "status": "published",
    "quizzes": [],
}
DIY_OUT: dict[str, Any] = {
    **DIY_CARD,
    "description": "Weave strips of coloured paper like a kente cloth.",
    "materials": [{"name": "Scissors", "quantity": "1 pair", "ask_a_grown_up": True}],
    "steps": [
        {
            "number": 1,
            "text": "Cut six strips of coloured paper.",
            "image_url": MEDIA_URL,
            "image_width": 800,
            "image_height": 600,
            "video_url": None,
        }
    ],
    "status": "published",
    "quizzes": [],
}
SCREEN: dict[str, Any] = {
    "featured": [VIDEO_CARD],
    "rows": [{"title": "Anansi tales", "theme": THEME_OUT, "items": [VIDEO_CARD]}],
}
