"""Editors write quizzes: each question type's rules (422 with per-field errors, nothing
stored), assets, publishing, bulk import, reorder, delete or archive, and the quizzes a
content page lists."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.accounts.models import Role
from app.runtime import Runtime
from tests.progress.fixtures import Catalogue, Explorer
from tests.quizzes.helpers import (
    ADMIN,
    choices,
    count,
    create_quiz,
    make_asset,
    quiz_body,
    right_answers,
    take,
)
from tests.support.auth import signed_in


def _one(qtype: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"type": qtype, "prompt": "A question?", "choices": items}]


BAD_QUESTIONS = [
    ("single_choice", choices(("A", True), ("B", True)), "correct_count"),
    ("single_choice", choices(("A", False), ("B", False)), "correct_count"),
    ("multiple_choice", choices(("A", False), ("B", False)), "correct_count"),
    ("true_false", choices(("True", True), ("False", False), ("Maybe", False)), "choice_count"),
    ("true_false", choices(("True", True), ("False", True)), "correct_count"),
    ("ordering", [{"text": "Only one"}], "choice_count"),
    ("picture_choice", choices(("A", True), ("B", False)), "missing_image"),
]


@pytest.mark.parametrize(("qtype", "items", "code"), BAD_QUESTIONS)
async def test_each_type_is_checked_and_nothing_is_stored(
    runtime: Runtime,
    client: httpx.AsyncClient,
    catalogue: Catalogue,
    editor: dict[str, str],
    qtype: str,
    items: list[dict[str, Any]],
    code: str,
) -> None:
    body = quiz_body(catalogue.video, questions=_one(qtype, items))
    response = await client.post(ADMIN, json=body, headers=editor)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert any(
        e["type"] == code and e["loc"][:4] == ["body", "questions", 0, "choices"] for e in errors
    ), errors
    assert await count(runtime, "quiz") == 0
    assert await count(runtime, "quiz_question") == 0


async def test_a_picture_choice_needs_a_ready_image_and_publishing_every_asset_ready(
    runtime: Runtime, client: httpx.AsyncClient, catalogue: Catalogue, editor: dict[str, str]
) -> None:
    processing = await make_asset(runtime, status="processing")
    items = [
        {"text": "Drum", "image_asset_id": processing, "correct": True},
        {"text": "Seed", "image_asset_id": processing},
    ]
    response = await client.post(
        ADMIN,
        json=quiz_body(catalogue.video, questions=_one("picture_choice", items)),
        headers=editor,
    )
    assert response.status_code == 422
    assert {e["type"] for e in response.json()["errors"]} == {"asset_not_ready"}
    assert response.json()["errors"][0]["loc"] == [
        "body",
        "questions",
        0,
        "choices",
        0,
        "image_asset_id",
    ]
    assert await count(runtime, "quiz") == 0

    # A question's picture may still be processing while a draft is written, not published.
    body = quiz_body(catalogue.video)
    body["questions"][0]["image_asset_id"] = processing
    quiz = await create_quiz(client, editor, body, publish=False)
    refused = await client.post(f"{ADMIN}/{quiz['id']}/publish", headers=editor)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["loc"] == ["body", "questions", 0, "image_asset_id"]
    assert (await client.get(f"{ADMIN}/{quiz['id']}", headers=editor)).json()["status"] == "draft"
    unknown = quiz_body(catalogue.video)
    unknown["questions"][1]["narration_asset_id"] = "00000000-0000-4000-8000-000000000000"
    missing = await client.post(ADMIN, json=unknown, headers=editor)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["type"] == "unknown_asset"


async def test_every_type_is_accepted_and_the_admin_read_has_the_answers(
    runtime: Runtime, client: httpx.AsyncClient, catalogue: Catalogue, editor: dict[str, str]
) -> None:
    picture = await make_asset(runtime)
    body = quiz_body(catalogue.ebook, kind="ebook")
    body["questions"] = [
        *body["questions"],
        *_one(
            "picture_choice",
            [
                {"text": "Drum", "image_asset_id": picture, "correct": True},
                {"text": "", "image_asset_id": picture},
            ],
        ),
    ]
    quiz = await create_quiz(client, editor, body)
    assert quiz["status"] == "published"
    assert [q["type"] for q in quiz["questions"]] == [
        "single_choice",
        "multiple_choice",
        "true_false",
        "ordering",
        "picture_choice",
    ]
    assert quiz["questions"][0]["choices"][0]["correct"] is True
    assert quiz["questions"][0]["explanation"] == "Anansi did."


async def test_unknown_content_and_bad_shapes_are_422(
    runtime: Runtime, client: httpx.AsyncClient, catalogue: Catalogue, editor: dict[str, str]
) -> None:
    wrong_kind = await client.post(
        ADMIN, json=quiz_body(catalogue.video, kind="ebook"), headers=editor
    )
    assert wrong_kind.status_code == 422
    assert wrong_kind.json()["errors"][0]["loc"] == ["body", "content_id"]
    for bad in ({"difficulty": "extreme"}, {"pass_mark": 101}, {"questions": []}):
        response = await client.post(ADMIN, json=quiz_body(catalogue.video, **bad), headers=editor)
        assert response.status_code == 422, bad
    assert await count(runtime, "quiz") == 0


async def test_bulk_import_is_all_or_nothing_with_the_errors_of_every_item(
    runtime: Runtime, client: httpx.AsyncClient, catalogue: Catalogue, editor: dict[str, str]
) -> None:
    good = quiz_body(catalogue.video)
    bad1 = quiz_body(
        catalogue.ebook, kind="ebook", questions=_one("true_false", choices(("T", True)))
    )
    bad2 = quiz_body(
        catalogue.diy,
        kind="diy",
        questions=_one("single_choice", choices(("A", False), ("B", False))),
    )
    response = await client.post(
        f"{ADMIN}/bulk", json={"items": [good, bad1, bad2]}, headers=editor
    )
    assert response.status_code == 422, response.text
    locs = {tuple(e["loc"][:3]) for e in response.json()["errors"]}
    assert locs == {("body", "items", 1), ("body", "items", 2)}
    assert await count(runtime, "quiz") == 0
    ok = await client.post(
        f"{ADMIN}/bulk",
        json={"items": [good, quiz_body(catalogue.diy, kind="diy")]},
        headers=editor,
    )
    assert ok.status_code == 201, ok.text
    assert len(ok.json()["ids"]) == 2
    assert await count(runtime, "quiz") == 2


async def test_update_reorder_and_unpublish(
    client: httpx.AsyncClient, catalogue: Catalogue, editor: dict[str, str]
) -> None:
    quiz = await create_quiz(client, editor, quiz_body(catalogue.video))
    ids = [q["id"] for q in quiz["questions"]]
    reordered = await client.post(
        f"{ADMIN}/{quiz['id']}/questions/reorder", json={"ids": list(reversed(ids))}, headers=editor
    )
    assert reordered.status_code == 200, reordered.text
    assert [q["id"] for q in reordered.json()["questions"]] == list(reversed(ids))
    partial = await client.post(
        f"{ADMIN}/{quiz['id']}/questions/reorder", json={"ids": ids[:2]}, headers=editor
    )
    assert partial.status_code == 422
    # An edit keeps the questions sent with their id and drops the rest.
    kept = reordered.json()["questions"][0]
    kept["prompt"] = "Put it in order, please."
    patched = await client.patch(
        f"{ADMIN}/{quiz['id']}",
        json={"title": "Seeds", "questions": [{k: v for k, v in kept.items() if k != "position"}]},
        headers={**editor, "If-Match": reordered.headers["ETag"]},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["title"] == "Seeds"
    assert [(q["id"], q["prompt"]) for q in patched.json()["questions"]] == [
        (kept["id"], "Put it in order, please.")
    ]
    down = await client.post(f"{ADMIN}/{quiz['id']}/unpublish", headers=editor)
    assert down.json()["status"] == "draft"
    assert (await client.get(f"/api/v1/quizzes/{quiz['id']}")).status_code == 404


def _edit_input(quiz: dict[str, Any]) -> list[dict[str, Any]]:
    """An admin read's questions as a PATCH sends them back (ids kept)."""
    return [{k: v for k, v in q.items() if k != "position"} for q in quiz["questions"]]


async def test_a_stale_editors_edit_is_refused_and_changes_nothing(
    runtime: Runtime, client: httpx.AsyncClient, catalogue: Catalogue, editor: dict[str, str]
) -> None:
    other = await signed_in(runtime, client, "second-quiz-editor@example.com", Role.editor)
    quiz = await create_quiz(client, editor, quiz_body(catalogue.video))
    url = f"{ADMIN}/{quiz['id']}"
    # Both editors read the same version.
    read = await client.get(url, headers=editor)
    etag = read.headers["ETag"]
    assert etag.startswith('"')
    assert (await client.get(url, headers=other)).headers["ETag"] == etag
    # The other editor makes Tortoise the right answer to the first question.
    questions = _edit_input(read.json())
    for choice in questions[0]["choices"]:
        choice["correct"] = choice["text"] == "Tortoise"
    changed = await client.patch(
        url, json={"questions": questions}, headers={**other, "If-Match": etag}
    )
    assert changed.status_code == 200, changed.text
    current = changed.headers["ETag"]
    assert current != etag
    assert (await client.get(url, headers=editor)).headers["ETag"] == current
    # The first editor, still on the old version, renames it and sends the old answers back.
    stale = await client.patch(
        url,
        json={"title": "Stale", "questions": _edit_input(read.json())},
        headers={**editor, "If-Match": etag},
    )
    assert stale.status_code == 412, stale.text
    assert stale.json()["code"] == "precondition_failed"
    assert stale.headers["ETag"] == current
    # Without If-Match an edit cannot say which version it changes.
    blind = await client.patch(url, json={"title": "Blind"}, headers=editor)
    assert blind.status_code == 428, blind.text
    assert blind.json()["code"] == "precondition_required"
    # The database holds the other editor's version, untouched.
    assert await count(runtime, "quiz", "title IN ('Stale', 'Blind')") == 0
    assert await count(runtime, "quiz_choice", "text = 'Tortoise' AND correct") == 1
    assert await count(runtime, "quiz_choice", "text = 'Anansi' AND correct") == 0
    after = await client.get(url, headers=editor)
    assert after.json() == changed.json()
    assert after.headers["ETag"] == current
    # `*` deliberately edits whatever version is current.
    forced = await client.patch(url, json={"title": "Forced"}, headers={**editor, "If-Match": "*"})
    assert forced.status_code == 200, forced.text
    assert forced.json()["title"] == "Forced"
    assert forced.headers["ETag"] not in (etag, current)


async def test_every_staff_read_of_a_quiz_carries_its_etag(
    client: httpx.AsyncClient, catalogue: Catalogue, editor: dict[str, str]
) -> None:
    created = await client.post(ADMIN, json=quiz_body(catalogue.video), headers=editor)
    url = f"{ADMIN}/{created.json()['id']}"
    ids = [q["id"] for q in created.json()["questions"]]
    answers = [
        created,
        await client.post(f"{url}/publish", headers=editor),
        await client.post(
            f"{url}/questions/reorder", json={"ids": list(reversed(ids))}, headers=editor
        ),
        await client.post(f"{url}/unpublish", headers=editor),
    ]
    for answer in answers:
        assert answer.status_code in (200, 201), answer.text
        # Each is the version as it stands after that write: a GET now would give the last.
        assert answer.headers["ETag"].startswith('"')
    assert len({a.headers["ETag"] for a in answers}) == len(answers)
    assert (await client.get(url, headers=editor)).headers["ETag"] == answers[-1].headers["ETag"]
    # The last ETag edits.
    edited = await client.patch(
        url, json={"title": "Renamed"}, headers={**editor, "If-Match": answers[-1].headers["ETag"]}
    )
    assert edited.status_code == 200, edited.text


async def test_content_pages_list_their_published_quizzes_and_the_cache_follows(
    client: httpx.AsyncClient, catalogue: Catalogue, editor: dict[str, str]
) -> None:
    before = await client.get(f"/api/v1/videos/{catalogue.video}")
    assert before.json()["quizzes"] == []  # now cached
    quiz = await create_quiz(client, editor, quiz_body(catalogue.video, difficulty="medium"))
    await create_quiz(client, editor, quiz_body(catalogue.video, title="Draft"), publish=False)
    after = await client.get(f"/api/v1/videos/{catalogue.video}")
    assert after.json()["quizzes"] == [
        {"id": quiz["id"], "title": "Anansi quiz", "difficulty": "medium", "question_count": 4}
    ]
    ebook_quiz = await create_quiz(client, editor, quiz_body(catalogue.ebook, kind="ebook"))
    ebook = await client.get(f"/api/v1/ebooks/{catalogue.ebook}")
    assert [q["id"] for q in ebook.json()["quizzes"]] == [ebook_quiz["id"]]
    await client.post(f"{ADMIN}/{quiz['id']}/unpublish", headers=editor)
    assert (await client.get(f"/api/v1/videos/{catalogue.video}")).json()["quizzes"] == []


async def test_a_quiz_is_visible_only_while_its_content_is(
    client: httpx.AsyncClient, catalogue: Catalogue, editor: dict[str, str]
) -> None:
    quiz = await create_quiz(client, editor, quiz_body(catalogue.draft))
    assert (await client.get(f"/api/v1/quizzes/{quiz['id']}")).status_code == 404
    listed = await client.get("/api/v1/quizzes", params={"content_id": catalogue.draft})
    assert listed.json()["items"] == []


async def test_delete_with_attempts_archives_and_content_deletion_removes_the_quiz(
    runtime: Runtime,
    client: httpx.AsyncClient,
    catalogue: Catalogue,
    editor: dict[str, str],
    explorer: Explorer,
) -> None:
    unused = await create_quiz(client, editor, quiz_body(catalogue.video))
    gone = await client.delete(f"{ADMIN}/{unused['id']}", headers=editor)
    assert gone.json() == {"id": unused["id"], "outcome": "deleted"}
    assert await count(runtime, "quiz", "id = CAST(:id AS uuid)", id=unused["id"]) == 0

    taken = await create_quiz(client, editor, quiz_body(catalogue.video))
    await take(client, explorer, taken, right_answers(taken))
    kept = await client.delete(f"{ADMIN}/{taken['id']}", headers=editor)
    assert kept.json() == {"id": taken["id"], "outcome": "archived"}
    results = (await client.get(explorer.url("/quiz-results"), headers=explorer.kid)).json()
    assert [r["quiz"]["id"] for r in results["items"]] == [taken["id"]]
    assert (await client.get(f"/api/v1/quizzes/{taken['id']}")).status_code == 404

    deleted = await client.delete(f"/api/v1/admin/videos/{catalogue.video}", headers=editor)
    assert deleted.status_code == 204, deleted.text
    assert await count(runtime, "quiz") == 0
    assert await count(runtime, "quiz_attempt") == 0
