"""Question analytics for editors (aggregated, no child named), who reaches each quiz
route, and quiz attempts in the family's export and gone with a profile or the family."""

from __future__ import annotations

import json

import httpx

from app.accounts.models import Role
from app.runtime import Runtime
from tests.progress.fixtures import Catalogue, Explorer
from tests.quizzes.helpers import (
    ADMIN,
    count,
    create_quiz,
    quiz_body,
    right_answers,
    start,
    take,
    wrong_answers,
)
from tests.support.auth import PASSWORD, kid_token, make_profile, signed_in


async def test_stats_flag_too_hard_and_too_easy_and_name_no_child(
    client: httpx.AsyncClient, catalogue: Catalogue, explorer: Explorer, editor: dict[str, str]
) -> None:
    quiz = await create_quiz(client, editor, quiz_body(catalogue.video, feedback_mode="at_end"))
    right, wrong = right_answers(quiz), wrong_answers(quiz)
    single, multiple, true_false, ordering = (q["id"] for q in quiz["questions"])
    tortoise = quiz["questions"][0]["choices"][1]["id"]
    for n in range(5):
        answers = dict(right)
        answers[multiple] = wrong[multiple]  # always wrong: too hard
        if n < 3:
            answers[single] = {"choice_ids": [tortoise], "hint_used": True}
        await take(client, explorer, quiz, answers)
    stats = await client.get(f"{ADMIN}/{quiz['id']}/stats", headers=editor)
    assert stats.status_code == 200, stats.text
    body = stats.json()
    assert body["attempts"] == 5
    assert body["min_attempts"] == 5
    by_id = {q["question_id"]: q for q in body["questions"]}
    assert by_id[multiple]["flag"] == "too_hard"
    assert by_id[multiple]["correct_share"] == 0.0
    assert by_id[true_false]["flag"] == "too_easy"
    assert by_id[true_false]["correct_share"] == 1.0
    assert by_id[ordering]["most_chosen_wrong_choice"] is None
    assert by_id[single]["flag"] == "ok"
    assert by_id[single]["correct_share"] == 0.4
    assert by_id[single]["hint_share"] == 0.6
    assert by_id[single]["most_chosen_wrong_choice"] == {
        "choice_id": tortoise,
        "text": "Tortoise",
        "times": 3,
    }
    text = json.dumps(body)
    assert explorer.profile_id not in text
    assert "Ama" not in text
    old = await client.get(
        f"{ADMIN}/{quiz['id']}/stats?from=2020-01-01&to=2020-01-31", headers=editor
    )
    assert old.json()["attempts"] == 0
    assert {q["flag"] for q in old.json()["questions"]} == {"not_enough_data"}
    backwards = await client.get(
        f"{ADMIN}/{quiz['id']}/stats?from=2020-02-01&to=2020-01-01", headers=editor
    )
    assert backwards.status_code == 422


async def test_stats_of_fewer_than_5_attempts_show_no_childs_answers(
    client: httpx.AsyncClient, catalogue: Catalogue, explorer: Explorer, editor: dict[str, str]
) -> None:
    quiz = await create_quiz(client, editor, quiz_body(catalogue.video, feedback_mode="at_end"))
    answers = dict(wrong_answers(quiz))
    single = quiz["questions"][0]
    answers[single["id"]] = {"choice_ids": [single["choices"][1]["id"]], "hint_used": True}
    await take(client, explorer, quiz, answers)

    stats = await client.get(f"{ADMIN}/{quiz['id']}/stats", headers=editor)
    assert stats.status_code == 200, stats.text
    body = stats.json()
    assert body["attempts"] == "fewer than 5"
    assert body["passed_share"] is None
    assert body["average_percent"] is None
    for question in body["questions"]:
        assert question["attempts"] == "fewer than 5"
        assert question["answered"] == "fewer than 5"
        assert question["correct_share"] is None
        assert question["hint_share"] is None
        assert question["most_chosen_wrong_choice"] is None
        assert question["flag"] == "not_enough_data"
    assert "Tortoise" not in stats.text

    # From the fifth attempt on, the figures are shown.
    for _ in range(4):
        await take(client, explorer, quiz, right_answers(quiz))
    body = (await client.get(f"{ADMIN}/{quiz['id']}/stats", headers=editor)).json()
    assert body["attempts"] == 5
    assert body["passed_share"] == 0.8
    by_id = {q["question_id"]: q for q in body["questions"]}
    assert by_id[single["id"]]["attempts"] == 5
    assert by_id[single["id"]]["correct_share"] == 0.8
    assert by_id[single["id"]]["hint_share"] == 0.2
    assert by_id[single["id"]]["most_chosen_wrong_choice"]["text"] == "Tortoise"


async def test_every_quiz_route_is_for_whom_it_should_be(
    runtime: Runtime,
    client: httpx.AsyncClient,
    catalogue: Catalogue,
    explorer: Explorer,
    stranger: Explorer,
    editor: dict[str, str],
) -> None:
    quiz = await create_quiz(client, editor, quiz_body(catalogue.video))
    attempt = await start(client, explorer, quiz["id"])
    question = quiz["questions"][2]
    answer = {"choice_ids": [question["choices"][0]["id"]]}
    sibling = await make_profile(client, explorer.parent, "Esi")
    sibling_kid = await kid_token(client, explorer.parent, sibling["id"])
    scoped = [
        ("POST", f"/quizzes/{quiz['id']}/attempts", None),
        ("PUT", f"/attempts/{attempt['id']}/answers/{question['id']}", answer),
        ("GET", f"/quizzes/next?content_kind=video&content_id={catalogue.video}", None),
        ("GET", "/quiz-results", None),
        ("POST", f"/attempts/{attempt['id']}/submit", None),
    ]
    for method, path, body in scoped:
        url = explorer.url(path)
        assert (await client.request(method, url, json=body)).status_code == 401, path
        for other in (stranger.parent, stranger.kid, sibling_kid, editor):
            refused = await client.request(method, url, json=body, headers=other)
            assert refused.status_code == 404, (path, refused.text)
        for who in (explorer.kid, explorer.parent):
            allowed = await client.request(method, url, json=body, headers=who)
            assert allowed.status_code in (200, 201), (path, allowed.text)
    # Another family's explorer cannot use this attempt through their own profile either.
    theirs = await client.put(
        stranger.url(f"/attempts/{attempt['id']}/answers/{question['id']}"),
        json=answer,
        headers=stranger.kid,
    )
    assert theirs.status_code == 404

    parent_account = explorer.parent
    admin_routes = [
        ("GET", ADMIN, None),
        ("POST", ADMIN, quiz_body(catalogue.video)),
        ("POST", f"{ADMIN}/bulk", {"items": [quiz_body(catalogue.video)]}),
        ("GET", f"{ADMIN}/{quiz['id']}", None),
        ("PATCH", f"{ADMIN}/{quiz['id']}", {"title": "New"}),
        (
            "POST",
            f"{ADMIN}/{quiz['id']}/questions/reorder",
            {"ids": [q["id"] for q in quiz["questions"]]},
        ),
        ("GET", f"{ADMIN}/{quiz['id']}/stats", None),
        ("POST", f"{ADMIN}/{quiz['id']}/unpublish", None),
        ("POST", f"{ADMIN}/{quiz['id']}/publish", None),
        ("POST", f"{ADMIN}/{quiz['id']}/archive", None),
        ("DELETE", f"{ADMIN}/{quiz['id']}", None),
    ]
    admin = await signed_in(runtime, client, "quiz-admin@example.com", Role.admin)
    for method, path, body in admin_routes:
        assert (await client.request(method, path, json=body)).status_code == 401, path
        assert (
            await client.request(method, path, json=body, headers=explorer.kid)
        ).status_code == 403
        assert (
            await client.request(method, path, json=body, headers=parent_account)
        ).status_code == 403
        for staff in (editor, admin):
            # An edit names the version it changes; `*` is any version.
            if_match = {"If-Match": "*"} if method == "PATCH" else {}
            allowed = await client.request(method, path, json=body, headers={**staff, **if_match})
            assert allowed.status_code in (200, 201), (path, allowed.text)
    for who in ({}, explorer.kid, editor):
        assert (await client.get("/api/v1/quizzes", headers=who)).status_code == 200


async def test_attempts_are_exported_and_go_with_the_profile_and_the_family(
    runtime: Runtime,
    client: httpx.AsyncClient,
    catalogue: Catalogue,
    explorer: Explorer,
    stranger: Explorer,
    editor: dict[str, str],
) -> None:
    quiz = await create_quiz(client, editor, quiz_body(catalogue.video))
    await take(client, explorer, quiz, right_answers(quiz))
    await take(client, stranger, quiz, wrong_answers(quiz))
    exported = await client.get("/api/v1/accounts/me/export", headers=explorer.parent)
    assert exported.status_code == 200, exported.text
    attempts = exported.json()["quizzes"]["attempts"]
    assert [a["profile_id"] for a in attempts] == [explorer.profile_id]
    assert attempts[0]["percent"] == 100
    assert len(attempts[0]["answers"]) == 4
    assert attempts[0]["answers"][0]["question"]

    gone = await client.delete(explorer.url(""), headers=explorer.parent)
    assert gone.status_code == 204, gone.text
    assert (
        await count(runtime, "quiz_attempt", "profile_id = CAST(:p AS uuid)", p=explorer.profile_id)
        == 0
    )
    assert await count(runtime, "quiz_response") == 4  # the stranger's only

    family = await client.request(
        "DELETE", "/api/v1/accounts/me", json={"password": PASSWORD}, headers=stranger.parent
    )
    assert family.status_code in (202, 204), family.text
    assert await count(runtime, "quiz_attempt") == 0
    assert await count(runtime, "quiz_response") == 0
    assert await count(runtime, "quiz") == 1  # the quiz itself stays
