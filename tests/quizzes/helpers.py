"""Shared by the quiz tests: an editor, quiz bodies of every type, assets, and helpers to
take a quiz through the API."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.runtime import Runtime
from tests.progress.fixtures import Explorer
from tests.support.auth import signed_in

ADMIN = "/api/v1/admin/quizzes"


@pytest.fixture
async def editor(runtime: Runtime, client: httpx.AsyncClient) -> dict[str, str]:
    return await signed_in(runtime, client, "quiz-editor@example.com", Role.editor)


def choices(*items: tuple[str, bool]) -> list[dict[str, Any]]:
    return [{"text": t, "correct": c, "feedback": f"About {t}"} for t, c in items]


def questions_of_every_type(picture: str | None = None) -> list[dict[str, Any]]:
    qs: list[dict[str, Any]] = [
        {
            "type": "single_choice",
            "prompt": "Who hid the wisdom in a pot?",
            "hint": "A clever spider.",
            "explanation": "Anansi did.",
            "points": 2,
            "choices": choices(("Anansi", True), ("Tortoise", False), ("Ntikuma", False)),
        },
        {
            "type": "multiple_choice",
            "prompt": "Which are colours of kente?",
            "explanation": "Gold and green are both kente colours.",
            "choices": choices(("Gold", True), ("Green", True), ("Invisible", False)),
        },
        {
            "type": "true_false",
            "prompt": "Ice floats on water.",
            "explanation": "Ice is lighter than water.",
            "choices": choices(("True", True), ("False", False)),
        },
        {
            "type": "ordering",
            "prompt": "Put the seed's life in order.",
            "explanation": "Coat, root, shoot.",
            "choices": [{"text": t} for t in ("Coat softens", "Root grows", "Shoot grows")],
        },
    ]
    if picture:
        qs.append(
            {
                "type": "picture_choice",
                "prompt": "Which one is the drum?",
                "explanation": "The brown one.",
                "choices": [
                    {"text": "Drum", "image_asset_id": picture, "correct": True},
                    {"text": "Seed", "image_asset_id": picture},
                ],
            }
        )
    return qs


def quiz_body(content_id: str, kind: str = "video", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "content_kind": kind,
        "content_id": content_id,
        "title": "Anansi quiz",
        "difficulty": "easy",
        "pass_mark": 60,
        "questions": questions_of_every_type(),
    }
    body.update(extra)
    return body


async def make_asset(runtime: Runtime, status: str = "ready", kind: str = "image") -> str:
    asset_id = uuid.uuid4()
    async with runtime.db.session() as session:
        await session.execute(
            sa.text(
                "INSERT INTO media_asset (id, key, kind, content_type, size_bytes, filename, "
                "status) VALUES (:id, :key, :kind, 'image/png', 10, 'a.png', :status)"
            ).bindparams(id=asset_id, key=f"image/test/{asset_id}.png", kind=kind, status=status)
        )
    return str(asset_id)


async def create_quiz(
    client: httpx.AsyncClient, editor: dict[str, str], body: dict[str, Any], publish: bool = True
) -> dict[str, Any]:
    response = await client.post(ADMIN, json=body, headers=editor)
    assert response.status_code == 201, response.text
    quiz: dict[str, Any] = response.json()
    if publish:
        published = await client.post(f"{ADMIN}/{quiz['id']}/publish", headers=editor)
        assert published.status_code == 200, published.text
        quiz = published.json()
    return quiz


async def count(runtime: Runtime, table: str, where: str = "TRUE", **params: Any) -> int:
    async with runtime.db.session() as session:
        value = await session.scalar(
            sa.text(f"SELECT count(*) FROM {table} WHERE {where}").bindparams(**params)
        )
    return int(value or 0)


async def start(client: httpx.AsyncClient, who: Explorer, quiz_id: str) -> dict[str, Any]:
    response = await client.post(who.url(f"/quizzes/{quiz_id}/attempts"), headers=who.kid)
    assert response.status_code in (200, 201), response.text
    attempt: dict[str, Any] = response.json()
    return attempt


def right_answers(quiz: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The right answer to each question of an admin read, as an answer body."""
    out = {}
    for q in quiz["questions"]:
        ids = [c["id"] for c in q["choices"]]
        if q["type"] == "ordering":
            out[q["id"]] = {"order": ids}
        else:
            out[q["id"]] = {"choice_ids": [c["id"] for c in q["choices"] if c["correct"]]}
    return out


def wrong_answers(quiz: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for q in quiz["questions"]:
        ids = [c["id"] for c in q["choices"]]
        if q["type"] == "ordering":
            out[q["id"]] = {"order": list(reversed(ids))}
        else:
            out[q["id"]] = {"choice_ids": [next(c["id"] for c in q["choices"] if not c["correct"])]}
    return out


async def put_answer(
    client: httpx.AsyncClient, who: Explorer, attempt_id: str, question_id: str, body: Any
) -> httpx.Response:
    return await client.put(
        who.url(f"/attempts/{attempt_id}/answers/{question_id}"), json=body, headers=who.kid
    )


async def take(
    client: httpx.AsyncClient,
    who: Explorer,
    quiz: dict[str, Any],
    answers: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """Starts, answers every question given, submits; returns the result."""
    attempt = await start(client, who, quiz["id"])
    for question_id, body in answers.items():
        response = await put_answer(client, who, attempt["id"], question_id, body)
        assert response.status_code == 200, response.text
    submitted = await client.post(who.url(f"/attempts/{attempt['id']}/submit"), headers=who.kid)
    assert submitted.status_code == 200, submitted.text
    result: dict[str, Any] = submitted.json()
    return result
