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

# Answers, as the demo gives them.
ANSWER_QUESTION_OUT: dict[str, Any] = {
    "question_id": "c9840128-e374-5973-aee8-0e99c1981f57",
    "choice_ids": ["4f0d8a3c-2b1e-4c7d-9a6f-8e5b3c2d1a09"],
    "order": None,
    "hint_used": False,
    "correct": True,
    "explanation": "Anansi gathered all the wisdom of the world in the pot.",
    "feedback": [],
    "correct_choice_ids": ["4f0d8a3c-2b1e-4c7d-9a6f-8e5b3c2d1a09"],
}
LIST_QUIZZES_OUT: dict[str, Any] = {
    "items": [
        {
            "id": "15185cac-cace-53b6-a448-fa5f2b3369fc",
            "content_kind": "video",
            "content_id": "27c039f2-f7df-50ea-837f-c96447e1f2cd",
            "title": "Adinkra symbols: first look",
            "difficulty": "easy",
            "pass_mark": 60,
            "feedback_mode": "instant",
            "time_suggestion_seconds": None,
            "question_count": 3,
            "questions": [
                {
                    "id": "4496fcff-24c8-562f-af93-8605696e6bbf",
                    "type": "picture_choice",
                    "prompt": "Which symbol is Sankofa?",
                    "image_url": None,
                    "narration_url": "http://localhost:8080/media/audio/2026/12/36575716843b4fc5b93bb393240bde86.m4a?exp=1796694074&sig=3f9c0a5e7b21",
                    "hint": "It looks like a heart that curls back.",
                    "points": 1,
                    "choices": [
                        {
                            "id": "afd09f9b-0d14-4f6a-b991-fae008e2ce61",
                            "text": "Sankofa",
                            "image_url": "http://localhost:8080/media/image/2026/12/09a4171501c24aa79b820de3648b34d5.png?exp=1796694074&sig=3f9c0a5e7b21",
                        },
                        {
                            "id": "2c581dce-0d45-4439-9bad-8404fe857730",
                            "text": "Adinkrahene",
                            "image_url": "http://localhost:8080/media/image/2026/12/8b045c1a355b4f03b0352c82538b1745.png?exp=1796694074&sig=3f9c0a5e7b21",
                        },
                    ],
                },
                {
                    "id": "032b4b75-4364-5a0f-93a1-b13683f0e2f3",
                    "type": "true_false",
                    "prompt": "Adinkra symbols are printed on cloth with carved stamps.",
                    "image_url": None,
                    "narration_url": "http://localhost:8080/media/audio/2026/12/f53b2e5cc79e432bbe2069639656d5c1.m4a?exp=1796694074&sig=3f9c0a5e7b21",
                    "hint": None,
                    "points": 1,
                    "choices": [
                        {
                            "id": "0e621086-e84a-41b3-bd73-cbe41cdf294a",
                            "text": "True",
                            "image_url": None,
                        },
                        {
                            "id": "a8167edb-2e59-4c5a-84b6-733fd8061740",
                            "text": "False",
                            "image_url": None,
                        },
                    ],
                },
            ],
        },
        {
            "id": "219b5d1a-4bbb-5f8a-b6e0-5663a450a00d",
            "content_kind": "video",
            "content_id": "27c039f2-f7df-50ea-837f-c96447e1f2cd",
            "title": "Adinkra symbols: master level",
            "difficulty": "hard",
            "pass_mark": 75,
            "feedback_mode": "at_end",
            "time_suggestion_seconds": 300,
            "question_count": 2,
            "questions": [
                {
                    "id": "9e57bcce-040b-5cce-ba75-28a4e53035ee",
                    "type": "multiple_choice",
                    "prompt": "Which of these are adinkra symbols? Pick all that are.",
                    "image_url": None,
                    "narration_url": None,
                    "hint": "Three of them are.",
                    "points": 2,
                    "choices": [
                        {
                            "id": "795ed027-d512-44f4-8f79-6641709a0d14",
                            "text": "Adinkrahene",
                            "image_url": None,
                        },
                        {
                            "id": "0e231185-13b4-4f9f-9bdf-7758c5baefa8",
                            "text": "Dwennimmen",
                            "image_url": None,
                        },
                    ],
                },
                {
                    "id": "4416adac-51ea-5b6f-8115-c1a43b91ec5f",
                    "type": "ordering",
                    "prompt": "Put the symbols in the order the video shows them.",
                    "image_url": None,
                    "narration_url": None,
                    "hint": None,
                    "points": 1,
                    "choices": [
                        {
                            "id": "46e8be80-280b-40d3-ab7b-383b6df53d2f",
                            "text": "Adinkrahene",
                            "image_url": None,
                        },
                        {
                            "id": "9f0ee2ee-5aef-4380-95c1-b8561a8ae3db",
                            "text": "Dwennimmen",
                            "image_url": None,
                        },
                    ],
                },
            ],
        },
    ],
    "next_cursor": None,
}
GET_QUIZ_OUT: dict[str, Any] = {
    "id": "15185cac-cace-53b6-a448-fa5f2b3369fc",
    "content_kind": "video",
    "content_id": "27c039f2-f7df-50ea-837f-c96447e1f2cd",
    "title": "Adinkra symbols: first look",
    "difficulty": "easy",
    "pass_mark": 60,
    "feedback_mode": "instant",
    "time_suggestion_seconds": None,
    "question_count": 3,
    "questions": [
        {
            "id": "4496fcff-24c8-562f-af93-8605696e6bbf",
            "type": "picture_choice",
            "prompt": "Which symbol is Sankofa?",
            "image_url": None,
            "narration_url": "http://localhost:8080/media/audio/2026/12/36575716843b4fc5b93bb393240bde86.m4a?exp=1796694074&sig=3f9c0a5e7b21",
            "hint": "It looks like a heart that curls back.",
            "points": 1,
            "choices": [
                {
                    "id": "afd09f9b-0d14-4f6a-b991-fae008e2ce61",
                    "text": "Sankofa",
                    "image_url": "http://localhost:8080/media/image/2026/12/09a4171501c24aa79b820de3648b34d5.png?exp=1796694074&sig=3f9c0a5e7b21",
                },
                {
                    "id": "2c581dce-0d45-4439-9bad-8404fe857730",
                    "text": "Adinkrahene",
                    "image_url": "http://localhost:8080/media/image/2026/12/8b045c1a355b4f03b0352c82538b1745.png?exp=1796694074&sig=3f9c0a5e7b21",
                },
            ],
        },
        {
            "id": "032b4b75-4364-5a0f-93a1-b13683f0e2f3",
            "type": "true_false",
            "prompt": "Adinkra symbols are printed on cloth with carved stamps.",
            "image_url": None,
            "narration_url": "http://localhost:8080/media/audio/2026/12/f53b2e5cc79e432bbe2069639656d5c1.m4a?exp=1796694074&sig=3f9c0a5e7b21",
            "hint": None,
            "points": 1,
            "choices": [
                {"id": "0e621086-e84a-41b3-bd73-cbe41cdf294a", "text": "True", "image_url": None},
                {"id": "a8167edb-2e59-4c5a-84b6-733fd8061740", "text": "False", "image_url": None},
            ],
        },
    ],
}
START_ATTEMPT_OUT: dict[str, Any] = {
    "id": "e99a45f7-7795-42a1-81b8-d87e9f0c5046",
    "quiz_id": "15185cac-cace-53b6-a448-fa5f2b3369fc",
    "status": "open",
    "feedback_mode": "instant",
    "started_at": "2026-12-08T01:08:54.826323Z",
    "expires_at": "2026-12-09T01:08:54.826323Z",
    "questions": [
        {
            "id": "4496fcff-24c8-562f-af93-8605696e6bbf",
            "type": "picture_choice",
            "prompt": "Which symbol is Sankofa?",
            "image_url": None,
            "narration_url": "http://localhost:8080/media/audio/2026/12/36575716843b4fc5b93bb393240bde86.m4a?exp=1796694074&sig=3f9c0a5e7b21",
            "hint": "It looks like a heart that curls back.",
            "points": 1,
            "choices": [
                {
                    "id": "afd09f9b-0d14-4f6a-b991-fae008e2ce61",
                    "text": "Sankofa",
                    "image_url": "http://localhost:8080/media/image/2026/12/09a4171501c24aa79b820de3648b34d5.png?exp=1796694074&sig=3f9c0a5e7b21",
                },
                {
                    "id": "2c581dce-0d45-4439-9bad-8404fe857730",
                    "text": "Adinkrahene",
                    "image_url": "http://localhost:8080/media/image/2026/12/8b045c1a355b4f03b0352c82538b1745.png?exp=1796694074&sig=3f9c0a5e7b21",
                },
            ],
        },
        {
            "id": "032b4b75-4364-5a0f-93a1-b13683f0e2f3",
            "type": "true_false",
            "prompt": "Adinkra symbols are printed on cloth with carved stamps.",
            "image_url": None,
            "narration_url": "http://localhost:8080/media/audio/2026/12/f53b2e5cc79e432bbe2069639656d5c1.m4a?exp=1796694074&sig=3f9c0a5e7b21",
            "hint": None,
            "points": 1,
            "choices": [
                {"id": "0e621086-e84a-41b3-bd73-cbe41cdf294a", "text": "True", "image_url": None},
                {"id": "a8167edb-2e59-4c5a-84b6-733fd8061740", "text": "False", "image_url": None},
            ],
        },
    ],
    "answers": [],
}
SUBMIT_ATTEMPT_OUT: dict[str, Any] = {
    "attempt_id": "e99a45f7-7795-42a1-81b8-d87e9f0c5046",
    "quiz_id": "15185cac-cace-53b6-a448-fa5f2b3369fc",
    "status": "submitted",
    "closed_at": "2026-12-08T01:08:57.071848Z",
    "score": 0.0,
    "max_score": 3,
    "percent": 0,
    "pass_mark": 60,
    "passed": False,
    "stars": 1,
    "questions": [
        {
            "question_id": "4496fcff-24c8-562f-af93-8605696e6bbf",
            "prompt": "Which symbol is Sankofa?",
            "type": "picture_choice",
            "answered": False,
            "choice_ids": None,
            "order": None,
            "correct": False,
            "hint_used": False,
            "points": 1,
            "points_awarded": 0.0,
            "explanation": "Sankofa curls back on itself: go back and fetch what you "
            "forgot, and learn from the past.",
            "correct_choice_ids": ["afd09f9b-0d14-4f6a-b991-fae008e2ce61"],
        },
        {
            "question_id": "032b4b75-4364-5a0f-93a1-b13683f0e2f3",
            "prompt": "Adinkra symbols are printed on cloth with carved stamps.",
            "type": "true_false",
            "answered": False,
            "choice_ids": None,
            "order": None,
            "correct": False,
            "hint_used": False,
            "points": 1,
            "points_awarded": 0.0,
            "explanation": "Printers carve the symbols into calabash stamps.",
            "correct_choice_ids": ["0e621086-e84a-41b3-bd73-cbe41cdf294a"],
        },
    ],
}
GET_NEXT_QUIZ_OUT: dict[str, Any] = {"quiz": None, "difficulty": None, "reason": "none"}
LIST_QUIZ_RESULTS_OUT: dict[str, Any] = {"items": [], "next_cursor": None}
