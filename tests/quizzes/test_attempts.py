"""Explorers take quizzes: nothing gives the answers away before they are given, answers
are idempotent, instant mode answers once, at_end answers change until submit, the server
scores (ordering all or nothing, exact sets, hints halve), submitting twice is the same, a
day-old attempt closes itself, the best attempt counts, and the next quiz adapts."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx

from app.runtime import Runtime
from tests.progress.fixtures import Catalogue, Clock, Explorer
from tests.quizzes.helpers import (
    ADMIN,
    choices,
    count,
    create_quiz,
    make_asset,
    put_answer,
    quiz_body,
    right_answers,
    start,
    take,
    wrong_answers,
)

SECRETS = ("correct", "explanation", "feedback", "correct_choice_ids")


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


async def test_answers_never_leak_before_they_are_given(
    runtime: Runtime,
    client: httpx.AsyncClient,
    catalogue: Catalogue,
    explorer: Explorer,
    editor: dict[str, str],
) -> None:
    picture = await make_asset(runtime)
    body = quiz_body(catalogue.video, shuffle_questions=True, shuffle_choices=True)
    body["questions"].append(
        {
            "type": "picture_choice",
            "prompt": "Which is the drum?",
            "explanation": "Secret explanation",
            "choices": [
                {"text": "Drum", "image_asset_id": picture, "correct": True, "feedback": "Yes"},
                {"text": "Seed", "image_asset_id": picture, "feedback": "No"},
            ],
        }
    )
    quiz = await create_quiz(client, editor, body)
    listed = await client.get("/api/v1/quizzes", params={"content_id": catalogue.video})
    one = await client.get(f"/api/v1/quizzes/{quiz['id']}")
    attempt = await start(client, explorer, quiz["id"])
    for shown in (listed.json(), one.json(), attempt):
        assert not _keys(shown) & set(SECRETS), _keys(shown) & set(SECRETS)
        text = json.dumps(shown)
        assert "Anansi did." not in text
        assert "About Anansi" not in text
    question = one.json()["questions"][4]
    assert question["choices"][0]["image_url"]  # a short-lived signed URL
    assert question["hint"] is None
    assert one.json()["questions"][0]["hint"] == "A clever spider."
    ordering = next(q for q in quiz["questions"] if q["type"] == "ordering")
    shown_order = next(q for q in attempt["questions"] if q["id"] == ordering["id"])
    assert [c["id"] for c in shown_order["choices"]] != [c["id"] for c in ordering["choices"]]
    # The order is the attempt's: resuming gives the same.
    again = await start(client, explorer, quiz["id"])
    assert again["id"] == attempt["id"]
    assert _order(again) == _order(attempt)


def _order(attempt: dict[str, Any]) -> list[tuple[str, list[str]]]:
    # Ids only: a signed URL's expiry moves with the second it was signed in.
    return [(q["id"], [c["id"] for c in q["choices"]]) for q in attempt["questions"]]


async def test_instant_mode_answers_once_and_repeats_count_once(
    runtime: Runtime,
    client: httpx.AsyncClient,
    catalogue: Catalogue,
    explorer: Explorer,
    editor: dict[str, str],
) -> None:
    quiz = await create_quiz(client, editor, quiz_body(catalogue.video))
    attempt = await start(client, explorer, quiz["id"])
    q = quiz["questions"][0]
    wrong = {"choice_ids": [q["choices"][1]["id"]]}
    first = await put_answer(client, explorer, attempt["id"], q["id"], wrong)
    assert first.status_code == 200, first.text
    assert first.json()["correct"] is False
    assert first.json()["explanation"] == "Anansi did."
    assert first.json()["feedback"] == ["About Tortoise"]
    assert first.json()["correct_choice_ids"] == [q["choices"][0]["id"]]
    repeat = await put_answer(client, explorer, attempt["id"], q["id"], wrong)
    assert repeat.json() == first.json()
    farmed = await put_answer(
        client, explorer, attempt["id"], q["id"], {"choice_ids": [q["choices"][0]["id"]]}
    )
    assert farmed.status_code == 409
    assert farmed.json()["code"] == "already_answered"
    assert await count(runtime, "quiz_response") == 1
    bad = await put_answer(client, explorer, attempt["id"], q["id"], {"order": []})
    assert bad.status_code == 422


async def test_at_end_answers_change_until_submit_and_say_nothing_before(
    client: httpx.AsyncClient, catalogue: Catalogue, explorer: Explorer, editor: dict[str, str]
) -> None:
    quiz = await create_quiz(client, editor, quiz_body(catalogue.video, feedback_mode="at_end"))
    attempt = await start(client, explorer, quiz["id"])
    q = quiz["questions"][0]
    first = await put_answer(
        client, explorer, attempt["id"], q["id"], {"choice_ids": [q["choices"][1]["id"]]}
    )
    assert first.status_code == 200
    assert first.json()["correct"] is None
    assert first.json()["explanation"] is None
    changed = await put_answer(
        client, explorer, attempt["id"], q["id"], {"choice_ids": [q["choices"][0]["id"]]}
    )
    assert changed.status_code == 200
    result = await client.post(
        explorer.url(f"/attempts/{attempt['id']}/submit"), headers=explorer.kid
    )
    assert result.json()["questions"][0]["correct"] is True
    late = await put_answer(
        client, explorer, attempt["id"], q["id"], {"choice_ids": [q["choices"][1]["id"]]}
    )
    assert late.status_code == 409
    assert late.json()["code"] == "attempt_closed"


async def test_answers_that_do_not_fit_the_question_are_422(
    client: httpx.AsyncClient, catalogue: Catalogue, explorer: Explorer, editor: dict[str, str]
) -> None:
    quiz = await create_quiz(client, editor, quiz_body(catalogue.video))
    attempt = await start(client, explorer, quiz["id"])
    single, multiple, _, ordering = quiz["questions"]
    cases = [
        (single, {"choice_ids": [c["id"] for c in single["choices"][:2]]}, "choice_ids"),
        (single, {"choice_ids": [ordering["choices"][0]["id"]]}, "choice_ids"),
        (multiple, {"choice_ids": []}, "choice_ids"),
        (ordering, {"order": [c["id"] for c in ordering["choices"][:2]]}, "order"),
        (ordering, {"choice_ids": [ordering["choices"][0]["id"]]}, "order"),
    ]
    for question, body, field in cases:
        response = await put_answer(client, explorer, attempt["id"], question["id"], body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["errors"][0]["loc"] == ["body", field]
    both = await put_answer(
        client, explorer, attempt["id"], single["id"], {"choice_ids": [], "order": []}
    )
    assert both.status_code == 422
    other = await put_answer(
        client, explorer, attempt["id"], "00000000-0000-4000-8000-000000000000", {"choice_ids": []}
    )
    assert other.status_code == 404


async def test_scoring_ordering_exact_sets_and_hints(
    client: httpx.AsyncClient, catalogue: Catalogue, explorer: Explorer, editor: dict[str, str]
) -> None:
    quiz = await create_quiz(client, editor, quiz_body(catalogue.video, feedback_mode="at_end"))
    single, multiple, true_false, ordering = quiz["questions"]
    ids = [c["id"] for c in ordering["choices"]]
    answers = {
        # Right, with the hint: 2 points halved.
        single["id"]: {"choice_ids": [single["choices"][0]["id"]], "hint_used": True},
        # One of the two right colours: no credit.
        multiple["id"]: {"choice_ids": [multiple["choices"][0]["id"]]},
        true_false["id"]: {"choice_ids": [true_false["choices"][0]["id"]]},
        # Two of three in place: all or nothing.
        ordering["id"]: {"order": [ids[0], ids[2], ids[1]]},
    }
    result = await take(client, explorer, quiz, answers)
    by_id = {q["question_id"]: q for q in result["questions"]}
    assert by_id[single["id"]]["points_awarded"] == 1.0
    assert by_id[multiple["id"]]["correct"] is False
    assert by_id[ordering["id"]]["correct"] is False
    assert by_id[ordering["id"]]["correct_choice_ids"] == ids
    assert by_id[true_false["id"]]["points_awarded"] == 1.0
    assert (result["score"], result["max_score"], result["percent"]) == (2.0, 5, 40)
    assert result["passed"] is False
    assert result["stars"] == 1
    assert by_id[multiple["id"]]["explanation"] == "Gold and green are both kente colours."
    again = await client.post(
        explorer.url(f"/attempts/{result['attempt_id']}/submit"), headers=explorer.kid
    )
    assert again.json() == result
    perfect = await take(client, explorer, quiz, right_answers(quiz))
    assert (perfect["percent"], perfect["passed"], perfect["stars"]) == (100, True, 3)


async def test_an_attempt_left_open_a_day_is_closed_as_it_stands(
    client: httpx.AsyncClient,
    catalogue: Catalogue,
    explorer: Explorer,
    editor: dict[str, str],
    clock: Clock,
) -> None:
    quiz = await create_quiz(client, editor, quiz_body(catalogue.video))
    attempt = await start(client, explorer, quiz["id"])
    q = quiz["questions"][2]
    await put_answer(
        client, explorer, attempt["id"], q["id"], {"choice_ids": [q["choices"][0]["id"]]}
    )
    clock.advance(timedelta(hours=24, seconds=1).total_seconds())
    late = await put_answer(
        client,
        explorer,
        attempt["id"],
        quiz["questions"][0]["id"],
        {"choice_ids": [quiz["questions"][0]["choices"][0]["id"]]},
    )
    assert late.status_code == 409
    results = (await client.get(explorer.url("/quiz-results"), headers=explorer.kid)).json()
    assert results["items"][0]["attempts"] == 1
    assert results["items"][0]["best_percent"] == 20  # 1 of 5 points
    closed = await client.post(
        explorer.url(f"/attempts/{attempt['id']}/submit"), headers=explorer.kid
    )
    assert closed.json()["status"] == "expired"
    assert closed.json()["percent"] == 20
    fresh = await start(client, explorer, quiz["id"])
    assert fresh["id"] != attempt["id"]
    assert fresh["status"] == "open"


async def test_the_job_closes_stale_attempts(
    runtime: Runtime,
    client: httpx.AsyncClient,
    catalogue: Catalogue,
    explorer: Explorer,
    editor: dict[str, str],
) -> None:
    from app.modules import jobs

    quiz = await create_quiz(client, editor, quiz_body(catalogue.video))
    attempt = await start(client, explorer, quiz["id"])
    async with runtime.db.session() as session:
        import sqlalchemy as sa

        await session.execute(
            sa.text(
                "UPDATE quiz_attempt SET started_at = now() - interval '25 hours' "
                "WHERE id = CAST(:id AS uuid)"
            ).bindparams(id=attempt["id"])
        )
    summary = await jobs()["close-quiz-attempts"](runtime)
    assert summary == "closed 1 quiz attempt(s) left open"
    assert await count(runtime, "quiz_attempt", "closed_reason = 'expired'") == 1


async def test_the_best_attempt_counts_and_a_pass_masters(
    client: httpx.AsyncClient, catalogue: Catalogue, explorer: Explorer, editor: dict[str, str]
) -> None:
    quiz = await create_quiz(client, editor, quiz_body(catalogue.video))
    await take(client, explorer, quiz, wrong_answers(quiz))
    best = await take(client, explorer, quiz, right_answers(quiz))
    await take(client, explorer, quiz, wrong_answers(quiz))
    page = await client.get(explorer.url("/quiz-results"), headers=explorer.parent)
    (item,) = page.json()["items"]
    assert item["quiz"]["id"] == quiz["id"]
    assert (item["attempts"], item["best_percent"], item["best_stars"], item["mastered"]) == (
        3,
        100,
        3,
        True,
    )
    assert item["best_score"] == best["score"]


async def test_quizzes_taken_and_passed_show_in_the_library_and_the_parents_activity(
    client: httpx.AsyncClient, catalogue: Catalogue, explorer: Explorer, editor: dict[str, str]
) -> None:
    passed = await create_quiz(client, editor, quiz_body(catalogue.video, title="Passed"))
    failed = await create_quiz(client, editor, quiz_body(catalogue.video, title="Failed"))
    await take(client, explorer, passed, wrong_answers(passed))
    await take(client, explorer, passed, right_answers(passed))
    await take(client, explorer, failed, wrong_answers(failed))
    library = await client.get(explorer.url("/library"), headers=explorer.kid)
    stats = library.json()["stats"]
    assert (stats["quizzes_taken"], stats["quizzes_passed"]) == (2, 1)
    activity = await client.get(explorer.url("/activity"), headers=explorer.parent)
    assert activity.status_code == 200, activity.text
    body = activity.json()
    assert (body["quizzes_taken"], body["quizzes_passed"]) == (2, 1)


async def _quiz(client: httpx.AsyncClient, editor: dict[str, str], content: str, level: str) -> str:
    quiz = await create_quiz(client, editor, quiz_body(content, title=level, difficulty=level))
    return str(quiz["id"])


async def test_the_next_quiz_starts_by_age_and_adapts(
    client: httpx.AsyncClient, catalogue: Catalogue, explorer: Explorer, editor: dict[str, str]
) -> None:
    ids = {
        lv: await _quiz(client, editor, catalogue.video, lv) for lv in ("easy", "medium", "hard")
    }
    admin = {lv: (await client.get(f"{ADMIN}/{i}", headers=editor)).json() for lv, i in ids.items()}
    url = explorer.url(f"/quizzes/next?content_kind=video&content_id={catalogue.video}")

    async def suggested() -> tuple[str | None, str]:
        body = (await client.get(url, headers=explorer.kid)).json()
        return (body["quiz"]["id"] if body["quiz"] else None), body["reason"]

    # A 6-8 explorer starts in the middle.
    assert await suggested() == (ids["medium"], "start")
    await take(client, explorer, admin["medium"], right_answers(admin["medium"]))
    assert await suggested() == (ids["hard"], "up")
    await take(client, explorer, admin["hard"], wrong_answers(admin["hard"]))
    assert await suggested() == (ids["hard"], "again")
    await take(client, explorer, admin["hard"], wrong_answers(admin["hard"]))
    # Down to medium, whose quiz is mastered: the easy one, not mastered yet, comes first.
    assert await suggested() == (ids["easy"], "down")
    none = await client.get(
        explorer.url(f"/quizzes/next?content_kind=video&content_id={catalogue.video2}"),
        headers=explorer.kid,
    )
    assert none.json() == {"quiz": None, "difficulty": None, "reason": "none"}


async def test_after_a_pass_the_next_quiz_is_a_harder_one_not_mastered(
    client: httpx.AsyncClient, catalogue: Catalogue, explorer: Explorer, editor: dict[str, str]
) -> None:
    # No medium quiz: up from easy must reach the hard one, not offer the easy one again.
    ids = {lv: await _quiz(client, editor, catalogue.video, lv) for lv in ("easy", "hard")}
    admin = {lv: (await client.get(f"{ADMIN}/{i}", headers=editor)).json() for lv, i in ids.items()}
    await client.patch(explorer.url(""), json={"age_band": "3-5"}, headers=explorer.parent)
    url = explorer.url(f"/quizzes/next?content_kind=video&content_id={catalogue.video}")

    async def suggested() -> tuple[str | None, str | None, str]:
        body = (await client.get(url, headers=explorer.kid)).json()
        return (body["quiz"]["id"] if body["quiz"] else None), body["difficulty"], body["reason"]

    assert await suggested() == (ids["easy"], "easy", "start")
    await take(client, explorer, admin["easy"], right_answers(admin["easy"]))
    assert await suggested() == (ids["hard"], "hard", "up")
    # Once every quiz is mastered, one is offered to practise, and it says so.
    await take(client, explorer, admin["hard"], right_answers(admin["hard"]))
    assert await suggested() == (ids["hard"], "hard", "all_mastered")


async def test_a_young_explorer_starts_easy(
    client: httpx.AsyncClient, catalogue: Catalogue, explorer: Explorer, editor: dict[str, str]
) -> None:
    ids = {lv: await _quiz(client, editor, catalogue.video, lv) for lv in ("easy", "hard")}
    await client.patch(explorer.url(""), json={"age_band": "3-5"}, headers=explorer.parent)
    body = (
        await client.get(
            explorer.url(f"/quizzes/next?content_kind=video&content_id={catalogue.video}"),
            headers=explorer.kid,
        )
    ).json()
    assert (body["quiz"]["id"], body["difficulty"]) == (ids["easy"], "easy")


async def test_a_hint_the_question_does_not_have_costs_nothing(
    runtime: Runtime,
    client: httpx.AsyncClient,
    catalogue: Catalogue,
    explorer: Explorer,
    editor: dict[str, str],
) -> None:
    # Three one-point questions, pass mark 60: two right is 67%, a pass; 1.5 of 3 is a fail.
    questions = [
        {
            "type": "true_false",
            "prompt": f"Statement {n}?",
            "choices": choices(("True", True), ("False", False)),
        }
        for n in range(3)
    ]
    questions[1]["hint"] = "Think of the sun."
    quiz = await create_quiz(
        client, editor, quiz_body(catalogue.video, questions=questions, feedback_mode="at_end")
    )
    no_hint, with_hint, third = quiz["questions"]
    right = {q["id"]: [q["choices"][0]["id"]] for q in quiz["questions"]}
    wrong = [third["choices"][1]["id"]]

    attempt = await start(client, explorer, quiz["id"])
    answered = await put_answer(
        client,
        explorer,
        attempt["id"],
        no_hint["id"],
        {"choice_ids": right[no_hint["id"]], "hint_used": True},
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["hint_used"] is False  # there was nothing to see
    for question_id, picked in ((with_hint["id"], right[with_hint["id"]]), (third["id"], wrong)):
        ok = await put_answer(client, explorer, attempt["id"], question_id, {"choice_ids": picked})
        assert ok.status_code == 200, ok.text
    submitted = await client.post(
        explorer.url(f"/attempts/{attempt['id']}/submit"), headers=explorer.kid
    )
    result = submitted.json()
    assert (result["score"], result["percent"], result["passed"]) == (2.0, 67, True)
    by_id = {q["question_id"]: q for q in result["questions"]}
    assert (by_id[no_hint["id"]]["hint_used"], by_id[no_hint["id"]]["points_awarded"]) == (
        False,
        1.0,
    )
    assert await count(runtime, "quiz_response", "NOT hint_used AND points_awarded = 1") == 2

    # The boundary: the same answers, the hint asked where there is one, halves that question.
    result = await take(
        client,
        explorer,
        quiz,
        {
            no_hint["id"]: {"choice_ids": right[no_hint["id"]]},
            with_hint["id"]: {"choice_ids": right[with_hint["id"]], "hint_used": True},
            third["id"]: {"choice_ids": wrong},
        },
    )
    assert (result["score"], result["percent"], result["passed"]) == (1.5, 50, False)
    by_id = {q["question_id"]: q for q in result["questions"]}
    assert (by_id[with_hint["id"]]["hint_used"], by_id[with_hint["id"]]["points_awarded"]) == (
        True,
        0.5,
    )


async def test_in_instant_mode_a_missing_hint_is_not_recorded_either(
    runtime: Runtime,
    client: httpx.AsyncClient,
    catalogue: Catalogue,
    explorer: Explorer,
    editor: dict[str, str],
) -> None:
    quiz = await create_quiz(client, editor, quiz_body(catalogue.video))
    true_false = quiz["questions"][2]  # no hint
    attempt = await start(client, explorer, quiz["id"])
    body = {"choice_ids": [true_false["choices"][0]["id"]], "hint_used": True}
    first = await put_answer(client, explorer, attempt["id"], true_false["id"], body)
    assert first.status_code == 200, first.text
    assert (first.json()["hint_used"], first.json()["correct"]) == (False, True)
    # Sent again, it is the same answer: counted once, not a conflict.
    again = await put_answer(client, explorer, attempt["id"], true_false["id"], body)
    assert again.json() == first.json()
    assert await count(runtime, "quiz_response", "hint_used") == 0
