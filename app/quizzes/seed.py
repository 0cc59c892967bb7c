"""Demo quizzes on the demo catalogue (app/catalog/seed.py): every difficulty and every
question type, original and child-friendly. Picture choices need ready images: the seed
records small generated pictures as media assets and a task writes their files to storage
once the seed commits (app/quizzes/tasks.py)."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.schema import table_of
from app.media.models import MediaAsset
from app.outbox.service import enqueue
from app.quizzes import service as quizzes_service
from app.quizzes.models import Quiz
from app.quizzes.schemas import QuizIn
from app.quizzes.tasks import DEMO_IMAGE_SIZE, DEMO_IMAGE_TASK, demo_image

# Pictures for the picture-choice questions: name -> colour of a simple drawing.
PICTURES = {
    "ice-cube": "#90caf9",
    "stone": "#757575",
    "gold-kente": "#f9a825",
    "green-kente": "#2e7d32",
    "drum": "#8d6e63",
    "seedling": "#66bb6a",
}


def _choices(*items: tuple[str, bool] | tuple[str, bool, str]) -> list[dict[str, Any]]:
    return [
        {"text": item[0], "correct": item[1], "feedback": item[2] if len(item) > 2 else ""}
        for item in items
    ]


def _order(*items: str) -> list[dict[str, Any]]:
    return [{"text": item} for item in items]


def _quizzes(pictures: dict[str, uuid.UUID]) -> list[tuple[str, str, dict[str, Any]]]:
    """(content kind, content title, quiz) for every demo quiz."""
    return [
        (
            "video",
            "Why Does Ice Float?",
            {
                "title": "Ice and water: first look",
                "difficulty": "easy",
                "pass_mark": 60,
                "questions": [
                    {
                        "type": "true_false",
                        "prompt": "Ice floats on top of water.",
                        "hint": "Think of the ice cubes in a cold drink.",
                        "explanation": "Ice is lighter than the same amount of water, so it floats.",
                        "choices": _choices(("True", True), ("False", False)),
                    },
                    {
                        "type": "picture_choice",
                        "prompt": "Which one floats in a cup of water?",
                        "hint": "It melts in your hand.",
                        "explanation": "The ice cube floats; the stone sinks to the bottom.",
                        "choices": [
                            {
                                "text": "Ice cube",
                                "image_asset_id": pictures["ice-cube"],
                                "correct": True,
                            },
                            {
                                "text": "Stone",
                                "image_asset_id": pictures["stone"],
                                "feedback": "Stones are heavy for their size, so they sink.",
                            },
                        ],
                    },
                    {
                        "type": "single_choice",
                        "prompt": "What is ice made of?",
                        "explanation": "Ice is water that got so cold it froze.",
                        "choices": _choices(
                            ("Frozen water", True),
                            ("Sugar", False),
                            ("Glass", False, "Glass does not melt in a drink."),
                        ),
                    },
                ],
            },
        ),
        (
            "video",
            "Why Does Ice Float?",
            {
                "title": "Ice and water: scientist level",
                "difficulty": "hard",
                "pass_mark": 75,
                "feedback_mode": "at_end",
                "shuffle_questions": True,
                "shuffle_choices": True,
                "time_suggestion_seconds": 300,
                "questions": [
                    {
                        "type": "multiple_choice",
                        "prompt": "Which of these are true about ice? Pick all that are right.",
                        "hint": "Two are right.",
                        "explanation": "Ice takes up more space than the water it came from, "
                        "and that makes it float.",
                        "points": 2,
                        "choices": _choices(
                            ("It takes more space than the water it came from", True),
                            ("It floats on water", True),
                            ("It is heavier than water of the same size", False),
                            ("It sinks in a pond", False),
                        ),
                    },
                    {
                        "type": "ordering",
                        "prompt": "Put the experiment in order.",
                        "explanation": "Fill, freeze, then look: the ice sits higher than the "
                        "water did.",
                        "choices": _order(
                            "Fill a cup with water and mark the level",
                            "Put the cup in the freezer overnight",
                            "Look at the ice: it is higher than the mark",
                        ),
                    },
                ],
            },
        ),
        (
            "video",
            "Kente Colours: Weaving a Story",
            {
                "title": "Colours of kente",
                "difficulty": "medium",
                "questions": [
                    {
                        "type": "picture_choice",
                        "prompt": "Which cloth shows the colour of wealth and royalty?",
                        "hint": "It shines like the sun.",
                        "explanation": "Gold in kente stands for wealth, royalty and the sun.",
                        "choices": [
                            {
                                "text": "Gold kente",
                                "image_asset_id": pictures["gold-kente"],
                                "correct": True,
                            },
                            {
                                "text": "Green kente",
                                "image_asset_id": pictures["green-kente"],
                                "feedback": "Green stands for growth and harvest.",
                            },
                        ],
                    },
                    {
                        "type": "single_choice",
                        "prompt": "Where in Ghana is kente famous for being woven?",
                        "explanation": "Bonwire, near Kumasi, is known for its kente weavers.",
                        "choices": _choices(
                            ("Bonwire", True), ("The moon", False), ("Under the sea", False)
                        ),
                    },
                    {
                        "type": "true_false",
                        "prompt": "Kente is woven in long thin strips that are sewn together.",
                        "explanation": "Weavers make narrow strips on a loom and sew them side "
                        "by side.",
                        "choices": _choices(("True", True), ("False", False)),
                    },
                ],
            },
        ),
        (
            "video",
            "Drumming with the Fontomfrom",
            {
                "title": "The talking drums",
                "difficulty": "easy",
                "questions": [
                    {
                        "type": "picture_choice",
                        "prompt": "Which picture shows a drum?",
                        "explanation": "The fontomfrom is a big drum played at the Ashanti court.",
                        "choices": [
                            {"text": "Drum", "image_asset_id": pictures["drum"], "correct": True},
                            {"text": "Seedling", "image_asset_id": pictures["seedling"]},
                        ],
                    },
                    {
                        "type": "true_false",
                        "prompt": "Talking drums can copy the rise and fall of spoken words.",
                        "explanation": "Drummers play high and low notes like the tones of Twi.",
                        "choices": _choices(("True", True), ("False", False)),
                    },
                ],
            },
        ),
        (
            "ebook",
            "Anansi and the Pot of Wisdom",
            {
                "title": "Anansi's pot",
                "difficulty": "easy",
                "questions": [
                    {
                        "type": "single_choice",
                        "prompt": "What did Anansi hide in the clay pot?",
                        "hint": "It is in the title of the story.",
                        "explanation": "Anansi gathered all the wisdom of the world in the pot.",
                        "choices": _choices(
                            ("Wisdom", True), ("Rice", False), ("Gold coins", False)
                        ),
                    },
                    {
                        "type": "true_false",
                        "prompt": "Anansi's son Ntikuma gave him good advice.",
                        "explanation": "Ntikuma told him to tie the pot to his back.",
                        "choices": _choices(("True", True), ("False", False)),
                    },
                ],
            },
        ),
        (
            "ebook",
            "Anansi and the Pot of Wisdom",
            {
                "title": "Anansi's pot: tell the story",
                "difficulty": "medium",
                "feedback_mode": "at_end",
                "questions": [
                    {
                        "type": "ordering",
                        "prompt": "Put the story in order.",
                        "hint": "The pot breaks at the very end.",
                        "explanation": "Anansi gathers wisdom, climbs the tree, hears Ntikuma, "
                        "and the pot falls.",
                        "choices": _order(
                            "Anansi gathers all the wisdom",
                            "He climbs the silk cotton tree",
                            "Ntikuma laughs and gives advice",
                            "The pot falls and wisdom spreads",
                        ),
                    },
                    {
                        "type": "multiple_choice",
                        "prompt": "What can we learn from the story? Pick all that fit.",
                        "explanation": "Nobody holds all the wisdom, and good ideas can come "
                        "from anyone, even the young.",
                        "choices": _choices(
                            ("Nobody has all the wisdom", True),
                            ("Good ideas can come from children", True),
                            ("Spiders cannot climb", False, "Anansi climbed the tree!"),
                        ),
                    },
                ],
            },
        ),
        (
            "ebook",
            "How Does a Seed Grow?",
            {
                "title": "From seed to plant",
                "difficulty": "hard",
                "pass_mark": 80,
                "questions": [
                    {
                        "type": "ordering",
                        "prompt": "Put the life of a seed in order.",
                        "explanation": "Water softens the coat, the root goes down, then the "
                        "shoot grows up to the sun.",
                        "choices": _order(
                            "Water softens the seed coat",
                            "The root pushes down into the soil",
                            "The shoot reaches up and makes leaves",
                        ),
                    },
                    {
                        "type": "multiple_choice",
                        "prompt": "What does a seed need to start growing?",
                        "hint": "Think about the first page and the soil.",
                        "explanation": "A seed needs water, warmth and air to wake up.",
                        "points": 2,
                        "choices": _choices(
                            ("Water", True),
                            ("Warmth", True),
                            ("Air", True),
                            ("A television", False, "Plants do not watch TV!"),
                        ),
                    },
                    {
                        "type": "single_choice",
                        "prompt": "Which part grows down into the soil?",
                        "explanation": "The root grows down; the shoot grows up.",
                        "choices": _choices(
                            ("The root", True), ("The leaf", False), ("The flower", False)
                        ),
                    },
                ],
            },
        ),
        (
            "diy",
            "Baking Soda Volcano",
            {
                "title": "Volcano science",
                "difficulty": "medium",
                "questions": [
                    {
                        "type": "single_choice",
                        "prompt": "What makes the foam in the volcano?",
                        "explanation": "Baking soda and vinegar make a gas, carbon dioxide, "
                        "which fills the foam with bubbles.",
                        "choices": _choices(
                            ("Bubbles of gas", True), ("Melted ice", False), ("Sand", False)
                        ),
                    },
                    {
                        "type": "ordering",
                        "prompt": "Put the steps in order.",
                        "choices": _order(
                            "Put the bottle on a tray",
                            "Add the baking soda",
                            "Pour in the vinegar and stand back",
                        ),
                    },
                ],
            },
        ),
    ]


async def _pictures(session: AsyncSession) -> dict[str, uuid.UUID]:
    """Ready image assets for the picture choices; their files are written by a task."""
    found: dict[str, uuid.UUID] = {}
    for name, colour in PICTURES.items():
        key = f"image/demo/quiz-{name}.png"
        assets = table_of(MediaAsset).c
        existing = await session.scalar(sa.select(assets.id).where(assets.key == key))
        if existing is not None:
            found[name] = existing
            continue
        asset = MediaAsset(
            key=key,
            kind="image",
            content_type="image/png",
            size_bytes=len(demo_image(colour)),
            filename=f"{name}.png",
            status="ready",
            width=DEMO_IMAGE_SIZE,
            height=DEMO_IMAGE_SIZE,
        )
        session.add(asset)
        await session.flush()
        await enqueue(
            session, DEMO_IMAGE_TASK, {"key": key, "colour": colour}, dedup_key=f"demo:{key}"
        )
        found[name] = asset.id
    return found


async def seed_quizzes(session: AsyncSession) -> None:
    if await session.scalar(sa.select(table_of(Quiz).c.id).limit(1)) is not None:
        return
    content: dict[tuple[str, str], uuid.UUID] = {}
    for kind in ("video", "ebook", "diy"):
        rows = await session.execute(sa.text(f"SELECT id, title FROM {kind}"))  # noqa: S608
        for row in rows:
            content[(kind, row.title)] = row.id
    # Titles first: nothing is seeded unless the demo catalogue is there.
    plan = _quizzes({name: uuid.uuid4() for name in PICTURES})
    if not all((kind, title) in content for kind, title, _ in plan):
        return
    pictures = await _pictures(session)
    for kind, title, quiz in _quizzes(pictures):
        body = QuizIn.model_validate(
            {"content_kind": kind, "content_id": content[(kind, title)], **quiz}
        )
        quiz_id = await quizzes_service.create(session, body)
        await quizzes_service.set_status(session, quiz_id, "publish")
