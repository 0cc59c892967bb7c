"""The demo catalogue a new install shows: original stories and activities about Ghanaian
culture and science at home."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog import admin_service
from app.catalog.models import Theme
from app.catalog.schemas import DiyIn, EbookIn, Kind, SeriesIn, ThemeIn, VideoIn
from app.core.schema import table_of

THEMES = [
    ThemeIn(
        kind=Kind.video,
        slug="ghana-stories",
        title="Stories from Ghana",
        colour="#e65100",
        sort_order=0,
        description="Folktales, festivals and the people who tell them.",
    ),
    ThemeIn(
        kind=Kind.video,
        slug="science-at-home",
        title="Science at home",
        colour="#1565c0",
        sort_order=1,
        description="Big questions answered with things from the kitchen.",
    ),
    ThemeIn(
        kind=Kind.video,
        slug="music-and-dance",
        title="Music and dance",
        colour="#6a1b9a",
        sort_order=2,
        description="Drums, songs and dances from across Ghana.",
    ),
    ThemeIn(
        kind=Kind.ebook,
        slug="folktales",
        title="Folktales",
        colour="#2e7d32",
        sort_order=0,
        description="Anansi, the tortoise and other clever creatures.",
    ),
    ThemeIn(
        kind=Kind.ebook,
        slug="how-things-work",
        title="How things work",
        colour="#00838f",
        sort_order=1,
        description="Seeds, rain, and the sun, explained for young readers.",
    ),
    ThemeIn(
        kind=Kind.diy,
        slug="craft-corner",
        title="Craft corner",
        colour="#f9a825",
        sort_order=0,
        description="Make patterns, stamps and weaves inspired by Ghanaian art.",
    ),
    ThemeIn(
        kind=Kind.diy,
        slug="kitchen-science",
        title="Kitchen science",
        colour="#c62828",
        sort_order=1,
        description="Experiments with safe things from home.",
    ),
]


def _timed(text: str, word_ms: int = 450) -> dict[str, object]:
    """A page whose narration gives each word the same time (a stand-in for real timings)."""
    words = len(text.split())
    return {
        "text": text,
        "word_timings": [[i * word_ms, i * word_ms + word_ms - 50] for i in range(words)],
    }


EBOOKS = [
    (
        "folktales",
        "Anansi and the Pot of Wisdom",
        "Ama Owusu",
        2,
        (4, 8),
        ["anansi", "folktale", "wisdom"],
        [
            "Long ago Anansi the spider gathered all the wisdom in the world.",
            "He hid it in a clay pot and climbed a tall silk cotton tree.",
            "His son Ntikuma laughed and said tie the pot to your back.",
            "The pot fell and broke, and wisdom spread to everyone.",
        ],
    ),
    (
        "folktales",
        "The Tortoise Who Wanted to Fly",
        "Kojo Mensah",
        1,
        (3, 6),
        ["tortoise", "birds", "folktale"],
        [
            "Tortoise watched the birds fly over the village every morning.",
            "The birds lent him one feather each for the great feast.",
            "Tortoise was greedy, so the birds took back their feathers.",
            "That is why his shell has cracks, the old people say.",
        ],
    ),
    (
        "how-things-work",
        "How Does a Seed Grow?",
        "Efua Boateng",
        2,
        (5, 9),
        ["plants", "science", "seeds"],
        [
            "A seed is a tiny plant waiting inside a coat.",
            "Water softens the coat and the root pushes down into the soil.",
            "The shoot reaches up to find the sun and makes green leaves.",
        ],
    ),
]

VIDEOS = [
    (
        "ghana-stories",
        "Kente Colours: Weaving a Story",
        "stories",
        ["kente", "weaving", "colours"],
        "Why every colour in a kente cloth means something, from gold to green.",
    ),
    (
        "science-at-home",
        "Why Does Ice Float?",
        "science",
        ["water", "ice", "experiment"],
        "A cup, some ice and a big surprise about water.",
    ),
    (
        "science-at-home",
        "Make a Rainbow with Water",
        "science",
        ["light", "rainbow"],
        "Sunlight, a glass of water and a white sheet of paper.",
    ),
    (
        "music-and-dance",
        "Drumming with the Fontomfrom",
        "music",
        ["drums", "ashanti", "music"],
        "Meet the big talking drums of the Ashanti court.",
    ),
    (
        "music-and-dance",
        "Adowa Dance Steps",
        "dance",
        ["adowa", "dance"],
        "Learn the first steps of the graceful Adowa dance.",
    ),
]

EPISODES = [
    (
        "Anansi Borrows a Drum",
        "Anansi needs a drum for the festival and finds a clever way to get one.",
    ),
    ("Anansi and the Rain", "The rains are late; can the spider help the farmers?"),
    ("Anansi Tells the Truth", "For once, Anansi's trick is telling the truth."),
]

DIYS = [
    (
        "craft-corner",
        "Paper Kente Weave",
        "easy",
        30,
        ["kente", "paper", "weaving"],
        [
            ("Coloured paper", "4 sheets", False),
            ("Scissors", "1 pair", True),
            ("Glue stick", "1", False),
        ],
        [
            "Cut one sheet into slits, leaving a border at the top.",
            "Cut the other sheets into long strips.",
            "Weave the strips over and under the slits.",
            "Glue the ends and show off your pattern.",
        ],
    ),
    (
        "craft-corner",
        "Adinkra Stamp Prints",
        "medium",
        40,
        ["adinkra", "symbols", "printing"],
        [("A potato", "1", False), ("A knife", "1", True), ("Paint", "2 colours", False)],
        [
            "Ask a grown-up to cut the potato in half.",
            "Draw an Adinkra symbol such as Sankofa on the flat side.",
            "A grown-up carves around the symbol.",
            "Dip in paint and stamp a pattern on paper.",
        ],
    ),
    (
        "kitchen-science",
        "Baking Soda Volcano",
        "easy",
        20,
        ["volcano", "experiment", "chemistry"],
        [
            ("Baking soda", "2 spoons", False),
            ("Vinegar", "half a cup", True),
            ("A small bottle", "1", False),
        ],
        [
            "Put the bottle on a tray and add the baking soda.",
            "Pour in the vinegar and stand back.",
            "Watch the foam erupt and talk about the bubbles of gas.",
        ],
    ),
]


async def seed_catalogue(session: AsyncSession) -> None:
    themes = table_of(Theme).c
    if (await session.execute(sa.select(themes.id).where(themes.slug == "ghana-stories"))).first():
        return
    ids = {t.slug: (await admin_service.create_theme(session, t)).id for t in THEMES}

    async def publish(kind: Kind, body: object) -> None:
        item = await admin_service.create(session, kind, body)  # type: ignore[arg-type]
        await admin_service.set_status(session, kind, item.id, "publish")

    series = await admin_service.create_series(
        session,
        SeriesIn(
            theme_id=ids["ghana-stories"],
            slug="anansi-adventures",
            title="Anansi's Adventures",
            description="The clever spider's tales, one episode at a time.",
        ),
    )
    await admin_service.set_series_status(session, series.id, "publish")
    for number, (title, description) in enumerate(EPISODES, 1):
        await publish(
            Kind.video,
            VideoIn(
                theme_id=ids["ghana-stories"],
                title=title,
                description=description,
                series_id=series.id,
                season=1,
                episode=number,
                category="stories",
                duration_ms=300_000 + number * 15_000,
                age_min=4,
                age_max=9,
                tags=["anansi", "folktale"],
            ),
        )
    for slug, title, category, tags, description in VIDEOS:
        await publish(
            Kind.video,
            VideoIn(
                theme_id=ids[slug],
                title=title,
                description=description,
                category=category,
                duration_ms=240_000,
                age_min=5,
                age_max=12,
                tags=tags,
            ),
        )
    for slug, title, author, level, (low, high), tags, pages in EBOOKS:
        await publish(
            Kind.ebook,
            EbookIn.model_validate(
                {
                    "theme_id": ids[slug],
                    "title": title,
                    "author": author,
                    "reading_level": level,
                    "age_min": low,
                    "age_max": high,
                    "tags": tags,
                    "pages": [_timed(p) for p in pages],
                    "description": pages[0],
                }
            ),
        )
    for slug, title, difficulty, minutes, tags, materials, steps in DIYS:
        await publish(
            Kind.diy,
            DiyIn.model_validate(
                {
                    "theme_id": ids[slug],
                    "title": title,
                    "difficulty": difficulty,
                    "minutes": minutes,
                    "tags": tags,
                    "age_min": 5,
                    "age_max": 12,
                    "description": steps[0],
                    "materials": [
                        {"name": n, "quantity": q, "ask_a_grown_up": g} for n, q, g in materials
                    ],
                    "steps": [{"text": s} for s in steps],
                }
            ),
        )
