"""The demo quizzes: on the demo videos, eBooks and DIY, every difficulty and every question
type, all published, their pictures written to storage once the seed commits."""

from __future__ import annotations

import httpx

from app.avatars.seed import seed_avatar_parts
from app.catalog.seed import seed_catalogue
from app.quizzes.seed import seed_quizzes
from app.runtime import Runtime
from tests.quizzes.helpers import count


async def test_the_demo_seed_covers_every_level_and_type(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    async with runtime.db.session() as session:
        await seed_avatar_parts(session)
        await seed_catalogue(session, runtime)
        await seed_quizzes(session, runtime)
        await seed_quizzes(session, runtime)  # idempotent
    await runtime.worker.run_due()
    quizzes = (await client.get("/api/v1/quizzes?limit=100")).json()["items"]
    assert len(quizzes) == await count(runtime, "quiz") == 8
    assert {q["difficulty"] for q in quizzes} == {"easy", "medium", "hard"}
    assert {q["content_kind"] for q in quizzes} == {"video", "ebook", "diy"}
    types = {question["type"] for q in quizzes for question in q["questions"]}
    assert types == {"single_choice", "multiple_choice", "true_false", "ordering", "picture_choice"}
    picture = next(
        c["image_url"]
        for q in quizzes
        for question in q["questions"]
        if question["type"] == "picture_choice"
        for c in question["choices"]
    )
    served = await client.get(picture.removeprefix("http://testserver"))
    assert served.status_code == 200, picture
    assert served.content.startswith(b"\x89PNG")
