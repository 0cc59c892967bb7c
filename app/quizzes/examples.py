"""Examples of the quizzes' operations, naming the demo's quizzes by their stable ids
(app/core/examples.py): on a freshly started demo each request example works as it is."""

from __future__ import annotations

from typing import Any

from app.catalog.examples import DEMO_EBOOK, DEMO_VIDEO
from app.core.examples import demo_id

# "Anansi's pot", the demo's quiz on the eBook "Anansi and the Pot of Wisdom": two questions.
DEMO_QUIZ = demo_id("quiz", "Anansi's pot")
DEMO_QUESTIONS = [demo_id("question", f"Anansi's pot:{n}") for n in (1, 2)]
CONTENT_OF_DEMO_QUIZ = DEMO_EBOOK

QUIZ_IN: dict[str, Any] = {
    "content_kind": "video",
    "content_id": str(DEMO_VIDEO),
    "title": "Anansi and the Sky God",
    "difficulty": "easy",
    "questions": [
        {
            "type": "single_choice",
            "prompt": "Who owned all the stories at first?",
            "hint": "He lives in the sky.",
            "explanation": "Nyame, the Sky God, owned every story until Anansi paid his price.",
            "choices": [
                {"text": "Nyame, the Sky God", "correct": True},
                {"text": "Anansi", "correct": False, "feedback": "Not yet: he had to earn them."},
            ],
        },
        {
            "type": "true_false",
            "prompt": "Anansi paid Nyame's price.",
            "choices": [{"text": "True", "correct": True}, {"text": "False", "correct": False}],
        },
    ],
}
QUIZ_PATCH: dict[str, Any] = {"title": "Anansi's pot", "pass_mark": 60}
REORDER_QUESTIONS: dict[str, Any] = {"ids": [str(i) for i in reversed(DEMO_QUESTIONS)]}

ADMIN_QUIZ_PAGE: dict[str, Any] = {
    "items": [
        {
            "id": "eb42d0f4-4797-50d2-a2a1-e6ec724f547a",
            "content_kind": "video",
            "content_id": "59733a33-6a31-5cbf-af55-08953fd356e3",
            "title": "The talking drums",
            "difficulty": "easy",
            "status": "published",
            "question_count": 2,
            "created_at": "2026-12-08T00:41:01.860254Z",
        },
        {
            "id": "ae446f27-32cd-5e0d-a62e-f8df15fae638",
            "content_kind": "ebook",
            "content_id": "122468f8-3dd3-56ad-9e0e-60e3eaaab932",
            "title": "Anansi's pot",
            "difficulty": "easy",
            "status": "published",
            "question_count": 2,
            "created_at": "2026-12-08T00:41:01.860254Z",
        },
    ],
    "next_cursor": None,
}
ADMIN_QUIZ: dict[str, Any] = {
    "id": "ae446f27-32cd-5e0d-a62e-f8df15fae638",
    "content_kind": "ebook",
    "content_id": "122468f8-3dd3-56ad-9e0e-60e3eaaab932",
    "title": "Anansi's pot",
    "difficulty": "easy",
    "status": "published",
    "published_at": "2026-12-08T00:41:11.993029Z",
    "pass_mark": 70,
    "feedback_mode": "instant",
    "shuffle_questions": False,
    "shuffle_choices": False,
    "time_suggestion_seconds": None,
    "created_at": "2026-12-08T00:41:01.860254Z",
    "updated_at": "2026-12-08T00:41:01.860254Z",
    "questions": [
        {
            "id": "c9840128-e374-5973-aee8-0e99c1981f57",
            "position": 0,
            "type": "single_choice",
            "prompt": "What did Anansi hide in the clay pot?",
            "image_asset_id": None,
            "narration_asset_id": "f2bd4a54-e9f3-4f13-a822-3a50d000ac08",
            "hint": "It is in the title of the story.",
            "explanation": "Anansi gathered all the wisdom of the world in the pot.",
            "points": 1,
            "choices": [
                {
                    "id": "f3be911f-b97f-45d2-aebe-26b274d9cce8",
                    "text": "Wisdom",
                    "image_asset_id": None,
                    "correct": True,
                    "feedback": "",
                },
                {
                    "id": "49acf5fd-2109-4bed-99aa-f12540817533",
                    "text": "Rice",
                    "image_asset_id": None,
                    "correct": False,
                    "feedback": "",
                },
            ],
        },
        {
            "id": "7ca3bc42-752a-5810-97ff-e0f3be17635d",
            "position": 1,
            "type": "true_false",
            "prompt": "Anansi's son Ntikuma gave him good advice.",
            "image_asset_id": None,
            "narration_asset_id": "97a689d4-ba44-48de-9542-cfcb4b7c587d",
            "hint": "",
            "explanation": "Ntikuma told him to tie the pot to his back.",
            "points": 1,
            "choices": [
                {
                    "id": "2d35a5b0-83db-4c5d-ba41-0eddb51f510f",
                    "text": "True",
                    "image_asset_id": None,
                    "correct": True,
                    "feedback": "",
                },
                {
                    "id": "0a3b5830-9a9e-4b77-b253-268de3e242d8",
                    "text": "False",
                    "image_asset_id": None,
                    "correct": False,
                    "feedback": "",
                },
            ],
        },
    ],
}
QUIZ_DELETED: dict[str, Any] = {"id": "ae446f27-32cd-5e0d-a62e-f8df15fae638", "outcome": "archived"}
QUIZ_STATS: dict[str, Any] = {
    "quiz_id": "ae446f27-32cd-5e0d-a62e-f8df15fae638",
    "from": "2026-11-09",
    "to": "2026-12-08",
    "min_attempts": 5,
    "attempts": "fewer than 5",
    "passed_share": None,
    "average_percent": None,
    "questions": [
        {
            "question_id": "c9840128-e374-5973-aee8-0e99c1981f57",
            "position": 0,
            "prompt": "What did Anansi hide in the clay pot?",
            "type": "single_choice",
            "attempts": "fewer than 5",
            "answered": "fewer than 5",
            "correct_share": None,
            "hint_share": None,
            "most_chosen_wrong_choice": None,
            "flag": "not_enough_data",
        },
        {
            "question_id": "7ca3bc42-752a-5810-97ff-e0f3be17635d",
            "position": 1,
            "prompt": "Anansi's son Ntikuma gave him good advice.",
            "type": "true_false",
            "attempts": "fewer than 5",
            "answered": "fewer than 5",
            "correct_share": None,
            "hint_share": None,
            "most_chosen_wrong_choice": None,
            "flag": "not_enough_data",
        },
    ],
}
QUIZ_BULK_RESULT: dict[str, Any] = {"ids": ["bcb219cd-4907-4d23-a9ec-8e5682a3fb4a"]}
# One answer: the choices picked (`order` instead, every item, for an ordering question).
ANSWER: dict[str, Any] = {
    "choice_ids": ["4f0d8a3c-2b1e-4c7d-9a6f-8e5b3c2d1a09"],
    "hint_used": False,
}
