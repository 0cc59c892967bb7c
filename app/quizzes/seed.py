"""Demo quizzes on the demo catalogue (app/catalog/seed.py): every difficulty and every
question type, original and child-friendly. The picture choices show real illustrations
(app/media/demo), uploaded and processed through the editor's path like every demo file."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.examples import demo_id
from app.core.schema import table_of
from app.media import narration
from app.media import service as media_service
from app.media.demo.content import QUIZ_PICTURES
from app.media.demo.make import DemoMedia
from app.media.policy import Purpose
from app.quizzes import service as quizzes_service
from app.quizzes.models import Quiz
from app.quizzes.schemas import QuizIn

if TYPE_CHECKING:
    from app.runtime import Runtime

PICTURES = QUIZ_PICTURES


def _choices(*items: tuple[str, bool] | tuple[str, bool, str]) -> list[dict[str, Any]]:
    return [
        {"text": item[0], "correct": item[1], "feedback": item[2] if len(item) > 2 else ""}
        for item in items
    ]


def _order(*items: str) -> list[dict[str, Any]]:
    return [{"text": item} for item in items]


def _picture(
    text: str, picture: uuid.UUID, correct: bool = False, feedback: str = ""
) -> dict[str, Any]:
    return {"text": text, "image_asset_id": picture, "correct": correct, "feedback": feedback}


def _quizzes(pictures: dict[str, uuid.UUID]) -> list[tuple[str, str, dict[str, Any]]]:
    """(content kind, content title, quiz) for every demo quiz."""
    return [
        (
            "video",
            "Adinkra Symbols and What They Mean",
            {
                "title": "Adinkra symbols: first look",
                "difficulty": "easy",
                "pass_mark": 60,
                "questions": [
                    {
                        "type": "picture_choice",
                        "prompt": "Which symbol is Sankofa?",
                        "hint": "It looks like a heart that curls back.",
                        "explanation": "Sankofa curls back on itself: go back and fetch what "
                        "you forgot, and learn from the past.",
                        "choices": [
                            _picture("Sankofa", pictures["sankofa-symbol"], correct=True),
                            _picture(
                                "Adinkrahene",
                                pictures["adinkrahene-symbol"],
                                feedback="Three circles: that is Adinkrahene, greatness.",
                            ),
                        ],
                    },
                    {
                        "type": "true_false",
                        "prompt": "Adinkra symbols are printed on cloth with carved stamps.",
                        "explanation": "Printers carve the symbols into calabash stamps.",
                        "choices": _choices(("True", True), ("False", False)),
                    },
                    {
                        "type": "single_choice",
                        "prompt": "What does Nsoromma, the star, say?",
                        "explanation": "Nsoromma says we are children of the heavens.",
                        "choices": _choices(
                            ("We are children of the heavens", True),
                            ("It is time to sleep", False),
                            ("Never look up", False, "Stars are for looking up at!"),
                        ),
                    },
                ],
            },
        ),
        (
            "video",
            "Adinkra Symbols and What They Mean",
            {
                "title": "Adinkra symbols: master level",
                "difficulty": "hard",
                "pass_mark": 75,
                "feedback_mode": "at_end",
                "shuffle_questions": True,
                "shuffle_choices": True,
                "time_suggestion_seconds": 300,
                "questions": [
                    {
                        "type": "multiple_choice",
                        "prompt": "Which of these are adinkra symbols? Pick all that are.",
                        "hint": "Three of them are.",
                        "explanation": "Adinkrahene, Dwennimmen and Sankofa are adinkra "
                        "symbols; kente is a woven cloth.",
                        "points": 2,
                        "choices": _choices(
                            ("Adinkrahene", True),
                            ("Dwennimmen", True),
                            ("Sankofa", True),
                            ("Kente", False, "Kente is a cloth, not a symbol."),
                        ),
                    },
                    {
                        "type": "ordering",
                        "prompt": "Put the symbols in the order the video shows them.",
                        "explanation": "Adinkrahene, Sankofa, Dwennimmen, then Nsoromma.",
                        "choices": _order("Adinkrahene", "Sankofa", "Dwennimmen", "Nsoromma"),
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
                        "prompt": "Which cloth is mostly gold, the colour of wealth and the sun?",
                        "hint": "It shines like the sun.",
                        "explanation": "Gold in kente stands for wealth, royalty and the sun.",
                        "choices": [
                            _picture("Gold kente", pictures["gold-kente"], correct=True),
                            _picture(
                                "Green kente",
                                pictures["green-kente"],
                                feedback="Green stands for growth and harvest.",
                            ),
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
                        "explanation": "The fontomfrom is a big drum played at the Asante court.",
                        "choices": [
                            _picture("Drum", pictures["drum"], correct=True),
                            _picture("Stone", pictures["stone"], feedback="A stone does not boom!"),
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
            "The Tortoise Who Wanted to Fly",
            {
                "title": "Tortoise and the birds",
                "difficulty": "medium",
                "feedback_mode": "at_end",
                "questions": [
                    {
                        "type": "picture_choice",
                        "prompt": "Who lent Tortoise their feathers?",
                        "explanation": "The birds each lent him one feather.",
                        "choices": [
                            _picture("The birds", pictures["bird"], correct=True),
                            _picture("Tortoise", pictures["tortoise"]),
                        ],
                    },
                    {
                        "type": "ordering",
                        "prompt": "Put the story in order.",
                        "hint": "The shell cracks at the very end.",
                        "explanation": "Tortoise watches the birds, borrows feathers, is "
                        "greedy, and falls.",
                        "choices": _order(
                            "Tortoise watches the birds fly",
                            "The birds lend him feathers",
                            "Tortoise is greedy at the feast",
                            "His shell cracks when he falls",
                        ),
                    },
                ],
            },
        ),
        (
            "ebook",
            "From Cocoa Seed to Chocolate",
            {
                "title": "From seed to chocolate",
                "difficulty": "hard",
                "pass_mark": 80,
                "questions": [
                    {
                        "type": "ordering",
                        "prompt": "Put the life of a cocoa bean in order.",
                        "explanation": "Seed, tree, pods, dried beans, then chocolate.",
                        "choices": _order(
                            "A seed is planted in warm, wet soil",
                            "The tree grows pods on its trunk",
                            "Farmers dry the beans in the sun",
                            "Chocolate makers roast the beans",
                        ),
                    },
                    {
                        "type": "multiple_choice",
                        "prompt": "What does a seed need to start growing?",
                        "hint": "Think about the first two pages.",
                        "explanation": "A seed needs water, warmth and soil to wake up.",
                        "points": 2,
                        "choices": _choices(
                            ("Water", True),
                            ("Warmth", True),
                            ("Soil", True),
                            ("A television", False, "Plants do not watch TV!"),
                        ),
                    },
                    {
                        "type": "single_choice",
                        "prompt": "Which part grows down into the soil?",
                        "explanation": "The root grows down; the shoot grows up.",
                        "choices": _choices(
                            ("The root", True), ("The leaf", False), ("The pod", False)
                        ),
                    },
                ],
            },
        ),
        (
            "diy",
            "Tin Can Talking Drum",
            {
                "title": "Drum maker",
                "difficulty": "medium",
                "questions": [
                    {
                        "type": "single_choice",
                        "prompt": "What makes the top of your tin drum?",
                        "explanation": "A balloon stretched over the tin makes the drum skin.",
                        "choices": _choices(
                            ("A stretched balloon", True), ("A leaf", False), ("Sand", False)
                        ),
                    },
                    {
                        "type": "ordering",
                        "prompt": "Put the steps in order.",
                        "choices": _order(
                            "Find a clean empty tin",
                            "Stretch the balloon over the tin",
                            "Tap it softly, then loudly",
                        ),
                    },
                ],
            },
        ),
    ]


async def _pictures(session: AsyncSession, runtime: Runtime) -> dict[str, uuid.UUID]:
    """The picture choices' illustrations, uploaded and processed like an editor's."""
    media = DemoMedia(runtime.settings.demo_media_dir, runtime.tts)
    found: dict[str, uuid.UUID] = {}
    for name in PICTURES:
        data = await media.picture(name, size=(480, 480))
        asset = await media_service.upload_file(
            session,
            runtime.storage,
            None,
            Purpose.image,
            "image/png",
            f"{name}.png",
            data,
            max_image_pixels=runtime.settings.media_max_image_pixels,
        )
        found[name] = asset.id
    return found


async def seed_quizzes(session: AsyncSession, runtime: Runtime) -> list[str] | None:
    if await session.scalar(sa.select(table_of(Quiz).c.id).limit(1)) is not None:
        return None
    content: dict[tuple[str, str], uuid.UUID] = {}
    for kind in ("video", "ebook", "diy"):
        rows = await session.execute(sa.text(f"SELECT id, title FROM {kind}"))  # noqa: S608
        for row in rows:
            content[(kind, row.title)] = row.id
    # Titles first: nothing is seeded unless the demo catalogue is there.
    plan = _quizzes({name: uuid.uuid4() for name in PICTURES})
    if not all((kind, title) in content for kind, title, _ in plan):
        return None
    pictures = await _pictures(session, runtime)
    for kind, title, quiz in _quizzes(pictures):
        if quiz["difficulty"] == "easy":
            # For explorers who cannot read yet: every prompt read aloud.
            for number, question in enumerate(quiz["questions"], 1):
                asset, _ = await narration.speak(
                    session,
                    runtime.storage,
                    runtime.tts,
                    question["prompt"],
                    "en",
                    filename=f"{quiz['title']} - question {number}.m4a",
                    title=question["prompt"],
                    max_image_pixels=runtime.settings.media_max_image_pixels,
                )
                question["narration_asset_id"] = asset.id
        body = QuizIn.model_validate(
            {"content_kind": kind, "content_id": content[(kind, title)], **quiz}
        )
        title = quiz["title"]
        quiz_id = await quizzes_service.create(
            session,
            body,
            quiz_id=demo_id("quiz", title),
            question_ids=[
                demo_id("question", f"{title}:{number}")
                for number in range(1, len(body.questions) + 1)
            ],
        )
        await quizzes_service.set_status(session, quiz_id, "publish")
    return None
