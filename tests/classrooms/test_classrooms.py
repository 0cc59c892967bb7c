"""Classrooms through the API and the database: codes, enrolment, throttling, who sees what,
assignments, reports (late and help-needed), the CSV, export and deletion."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import sqlalchemy as sa

from app.accounts.models import Role
from app.runtime import Runtime
from tests.classrooms.conftest import API, Room, Teacher, enrol, make_room, make_teacher
from tests.progress.fixtures import Catalogue, Clock, Explorer, make_explorer
from tests.support.auth import bearer, login, make_account, signed_in
from tests.support.clock import fresh_window

CODE = re.compile(r"^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$")


async def scalar(runtime: Runtime, sql: str, **params: object) -> object:
    async with runtime.db.session() as session:
        return (await session.execute(sa.text(sql), params)).scalar()


async def execute(runtime: Runtime, sql: str, **params: object) -> None:
    async with runtime.db.session() as session:
        await session.execute(sa.text(sql), params)
        await session.commit()


# --- classrooms and codes ---------------------------------------------------------------------


async def test_a_teacher_creates_a_classroom_with_a_join_code(
    runtime: Runtime, client: httpx.AsyncClient, teacher: Teacher
) -> None:
    response = await client.post(
        f"{API}/classrooms",
        json={"name": "  Primary 3 Blue ", "age_band": "6-8"},
        headers=teacher.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert CODE.match(body["join_code"])
    assert body["name"] == "Primary 3 Blue"
    assert body["timezone"] == "Africa/Accra"  # the teacher's own
    assert body["teacher_display_name"] == "Mrs Mensah"
    assert body["my_role"] == "owner"
    assert body["code_enabled"] is True
    stored = await scalar(runtime, "SELECT join_code FROM classroom WHERE id = :id", id=body["id"])
    assert stored == body["join_code"]
    listed = (await client.get(f"{API}/classrooms", headers=teacher.headers)).json()
    assert [c["id"] for c in listed["items"]] == [body["id"]]


async def test_bad_classroom_input_is_a_422_that_stores_nothing(
    runtime: Runtime, client: httpx.AsyncClient, teacher: Teacher
) -> None:
    for body in (
        {"name": "No grade"},
        {"name": "", "grade": "P3"},
        {"name": "Zone", "grade": "P3", "timezone": "Mars/Olympus"},
        {"name": "Extra", "grade": "P3", "email": "x@example.com"},
    ):
        response = await client.post(f"{API}/classrooms", json=body, headers=teacher.headers)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    assert await scalar(runtime, "SELECT count(*) FROM classroom") == 0


async def test_a_teacher_without_a_display_name_is_asked_for_one(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    nameless = await make_teacher(runtime, client, "nameless@school.example.com", name=None)
    response = await client.post(
        f"{API}/classrooms", json={"name": "P3", "grade": "P3"}, headers=nameless.headers
    )
    assert response.status_code == 422
    assert response.json()["code"] == "display_name_required"


async def test_only_teachers_create_classrooms(
    runtime: Runtime, client: httpx.AsyncClient, explorer: Explorer
) -> None:
    for headers in (explorer.parent, explorer.kid, {}):
        response = await client.post(
            f"{API}/classrooms", json={"name": "P3", "grade": "P3"}, headers=headers
        )
        assert response.status_code in (401, 403)
    assert await scalar(runtime, "SELECT count(*) FROM classroom") == 0


async def test_an_admin_grants_the_teacher_role_and_a_teacher_may_be_a_parent(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    admin = await signed_in(runtime, client, "admin@example.com", Role.admin)
    account = await make_account(runtime, "newteacher@example.com")
    granted = await client.patch(
        f"{API}/admin/accounts/{account.id}", json={"role": "teacher"}, headers=admin
    )
    assert granted.status_code == 200, granted.text
    headers = bearer(await login(client, "newteacher@example.com"))
    await client.patch(f"{API}/accounts/me", json={"display_name": "Ms Asante"}, headers=headers)
    created = await client.post(
        f"{API}/classrooms", json={"name": "P1", "grade": "P1"}, headers=headers
    )
    assert created.status_code == 201, created.text
    # Also a parent of their own family: profiles work as for any grown-up.
    notice = (await client.get(f"{API}/privacy-notice")).json()
    await client.post(
        f"{API}/accounts/me/consent", json={"notice_version": notice["version"]}, headers=headers
    )
    child = await client.post(
        f"{API}/profiles", json={"nickname": "Yaw", "age_band": "6-8"}, headers=headers
    )
    assert child.status_code == 201
    joined = await client.post(
        f"{API}/profiles/{child.json()['id']}/classrooms",
        json={"code": created.json()["join_code"]},
        headers=headers,
    )
    assert joined.status_code == 201


async def test_codes_rotate_and_switch_off_and_a_wrong_code_looks_the_same(
    client: httpx.AsyncClient, room: Room, explorer: Explorer
) -> None:
    parent = explorer.parent
    first = await client.get(f"{API}/classrooms/lookup", params={"code": room.code}, headers=parent)
    assert first.status_code == 200
    assert first.json() == {
        "id": room.id,
        "name": "Primary 3 Blue",
        "grade": "Primary 3",
        "age_band": "6-8",
        "teacher_display_name": "Mrs Mensah",
    }
    # Lower case, spaces and a dash are what a parent may type.
    typed = f"{room.code[:4].lower()}-{room.code[4:]} "
    assert (
        await client.get(f"{API}/classrooms/lookup", params={"code": typed}, headers=parent)
    ).status_code == 200

    rotated = await client.post(room.url("/code"), headers=room.teacher.headers)
    assert rotated.status_code == 200
    new = rotated.json()["join_code"]
    assert CODE.match(new)
    assert new != room.code
    old = await client.get(f"{API}/classrooms/lookup", params={"code": room.code}, headers=parent)
    wrong = await client.get(
        f"{API}/classrooms/lookup", params={"code": "ZZZZZZZZ"}, headers=parent
    )
    assert old.status_code == wrong.status_code == 404

    off = await client.patch(room.url(), json={"code_enabled": False}, headers=room.teacher.headers)
    assert off.json()["code_enabled"] is False
    switched = await client.get(f"{API}/classrooms/lookup", params={"code": new}, headers=parent)
    assert switched.status_code == 404
    assert switched.json() == wrong.json()
    assert (await enrol(client, explorer, new)).json() == wrong.json()


async def test_the_parent_enrols_and_leaves_and_the_explorer_cannot(
    runtime: Runtime, client: httpx.AsyncClient, room: Room, explorer: Explorer
) -> None:
    refused = await client.post(
        explorer.url("/classrooms"), json={"code": room.code}, headers=explorer.kid
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "parents_only"
    joined = await enrol(client, explorer, room.code)
    assert joined.status_code == 201, joined.text
    assert joined.json()["classroom"]["teacher_display_name"] == "Mrs Mensah"
    assert (await enrol(client, explorer, room.code)).status_code == 200  # already in
    count = "SELECT count(*) FROM classroom_member WHERE profile_id = :p"
    assert await scalar(runtime, count, p=explorer.profile_id) == 1
    # The explorer sees their classrooms.
    mine = await client.get(explorer.url("/classrooms"), headers=explorer.kid)
    assert [e["classroom"]["id"] for e in mine.json()["items"]] == [room.id]
    assert mine.json()["next_cursor"] is None

    kid_leaves = await client.delete(explorer.url(f"/classrooms/{room.id}"), headers=explorer.kid)
    assert kid_leaves.status_code == 403
    left = await client.delete(explorer.url(f"/classrooms/{room.id}"), headers=explorer.parent)
    assert left.status_code == 204
    assert await scalar(runtime, count, p=explorer.profile_id) == 0
    again = await client.delete(explorer.url(f"/classrooms/{room.id}"), headers=explorer.parent)
    assert again.status_code == 404


async def test_another_family_cannot_enrol_a_child_that_is_not_theirs(
    client: httpx.AsyncClient, room: Room, explorer: Explorer, stranger: Explorer
) -> None:
    response = await client.post(
        explorer.url("/classrooms"), json={"code": room.code}, headers=stranger.parent
    )
    assert response.status_code == 404


async def test_guessing_codes_is_throttled_per_account_and_per_address(
    runtime: Runtime, client: httpx.AsyncClient, room: Room, explorer: Explorer
) -> None:
    await fresh_window(30, seconds=15 * 60)
    for n in range(10):
        wrong = await client.get(
            f"{API}/classrooms/lookup", params={"code": f"WRONG{n:03d}"}, headers=explorer.parent
        )
        assert wrong.status_code == 404
    throttled = await client.get(
        f"{API}/classrooms/lookup", params={"code": room.code}, headers=explorer.parent
    )
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert (await enrol(client, explorer, room.code)).status_code == 429
    assert await scalar(runtime, "SELECT count(*) FROM classroom_member") == 0
    # Another parent on the same address still may join (the address has used 10 of 30;
    # refused attempts count only against the account that made them)...
    other = await make_explorer(runtime, client, "kojo-family@example.com", "Kojo")
    assert (await enrol(client, other, room.code)).status_code == 201
    # ...until the address has typed its share of codes, whoever typed them: a right code
    # counts like a wrong one, since every code is counted before it is checked.
    statuses = []
    for n in range(19):
        guesser = other.parent if n % 2 else room.teacher.headers
        wrong = await client.get(
            f"{API}/classrooms/lookup", params={"code": f"BAD{n:05d}"}, headers=guesser
        )
        statuses.append(wrong.status_code)
    assert statuses == [404] * 19
    third = await make_explorer(runtime, client, "esi-family@example.com", "Esi")
    assert (await enrol(client, third, room.code)).status_code == 429
    assert await scalar(runtime, "SELECT count(*) FROM classroom_member") == 1


async def test_another_teachers_classroom_is_a_404_and_an_admin_reaches_it(
    runtime: Runtime,
    client: httpx.AsyncClient,
    room: Room,
    other_teacher: Teacher,
    explorer: Explorer,
) -> None:
    admin = await signed_in(runtime, client, "admin@example.com", Role.admin)
    missing = f"{API}/classrooms/{uuid.uuid4()}"
    for path in ("", "/members", "/assignments", "/report", "/report.csv"):
        theirs = await client.get(room.url(path), headers=other_teacher.headers)
        unknown = await client.get(missing + path, headers=other_teacher.headers)
        assert theirs.status_code == unknown.status_code == 404, path
        assert theirs.json() == unknown.json()
        assert (await client.get(room.url(path), headers=explorer.parent)).status_code == 403
        assert (await client.get(room.url(path), headers=explorer.kid)).status_code == 403
        assert (await client.get(room.url(path))).status_code == 401
        assert (await client.get(room.url(path), headers=admin)).status_code == 200
    renamed = await client.patch(
        room.url(), json={"name": "Mine now"}, headers=other_teacher.headers
    )
    assert renamed.status_code == 404
    assert await scalar(runtime, "SELECT name FROM classroom WHERE id = :id", id=room.id) == (
        "Primary 3 Blue"
    )


async def test_a_teacher_sees_nickname_avatar_and_age_band_only_and_can_remove_a_child(
    runtime: Runtime, client: httpx.AsyncClient, room: Room, enrolled: Explorer
) -> None:
    response = await client.get(room.url("/members"), headers=room.teacher.headers)
    assert response.status_code == 200
    (member,) = response.json()["items"]
    assert set(member) == {
        "profile_id",
        "nickname",
        "age_band",
        "avatar",
        "avatar_url",
        "joined_at",
    }
    assert member["nickname"] == "Ama"
    assert member["age_band"] == "6-8"
    assert "ama-family@example.com" not in response.text
    avatar = await client.get(member["avatar_url"], headers=room.teacher.headers)
    assert avatar.status_code == 200
    assert avatar.headers["content-type"].startswith("image/svg")
    # The child's own profile stays out of reach.
    profile = await client.get(
        f"{API}/profiles/{enrolled.profile_id}", headers=room.teacher.headers
    )
    assert profile.status_code == 404

    removed = await client.delete(
        room.url(f"/members/{enrolled.profile_id}"), headers=room.teacher.headers
    )
    assert removed.status_code == 204
    assert await scalar(runtime, "SELECT count(*) FROM classroom_member") == 0
    gone = await client.get(member["avatar_url"], headers=room.teacher.headers)
    assert gone.status_code == 404


async def test_co_teachers_are_invited_by_email_and_accept_once_signed_in(
    runtime: Runtime,
    client: httpx.AsyncClient,
    room: Room,
    other_teacher: Teacher,
    explorer: Explorer,
) -> None:
    invited = await client.post(
        room.url("/invites"),
        json={"email": "OWUSU@school.example.com"},
        headers=room.teacher.headers,
    )
    assert invited.status_code == 201, invited.text
    invite_id = invited.json()["id"]
    twice = await client.post(
        room.url("/invites"),
        json={"email": "owusu@school.example.com"},
        headers=room.teacher.headers,
    )
    assert twice.status_code == 409
    # Not theirs to accept: a parent is refused, another teacher finds nothing.
    assert (
        await client.post(f"{API}/classrooms/invites/{invite_id}/accept", headers=explorer.parent)
    ).status_code == 403
    third = await make_teacher(runtime, client, "third@school.example.com")
    assert (
        await client.post(f"{API}/classrooms/invites/{invite_id}/accept", headers=third.headers)
    ).status_code == 404
    assert (await client.get(room.url(), headers=other_teacher.headers)).status_code == 404

    pending = await client.get(f"{API}/classrooms/invites", headers=other_teacher.headers)
    assert [i["id"] for i in pending.json()["items"]] == [invite_id]
    accepted = await client.post(
        f"{API}/classrooms/invites/{invite_id}/accept", headers=other_teacher.headers
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["my_role"] == "co_teacher"
    assert (
        await client.get(room.url("/members"), headers=other_teacher.headers)
    ).status_code == 200
    listed = await client.get(f"{API}/classrooms", headers=other_teacher.headers)
    assert [c["id"] for c in listed.json()["items"]] == [room.id]
    # The co-teacher cannot remove the owner; they may leave.
    assert (
        await client.delete(
            room.url(f"/teachers/{room.teacher.account_id}"), headers=other_teacher.headers
        )
    ).status_code == 409
    left = await client.delete(
        room.url(f"/teachers/{other_teacher.account_id}"), headers=other_teacher.headers
    )
    assert left.status_code == 204
    assert (await client.get(room.url(), headers=other_teacher.headers)).status_code == 404


# --- assignments -----------------------------------------------------------------------------


async def _assign(
    client: httpx.AsyncClient, room: Room, items: list[dict[str, str]], **body: object
) -> httpx.Response:
    return await client.post(
        room.url("/assignments"),
        json={"title": "Drums week", "due_date": "2026-06-04", "items": items, **body},
        headers=room.teacher.headers,
    )


async def test_assignments_check_their_items_and_dates_and_store_nothing_when_wrong(
    runtime: Runtime, client: httpx.AsyncClient, clock: Clock, room: Room, catalogue: Catalogue
) -> None:
    cases = [
        [{"kind": "video", "item_id": str(uuid.uuid4())}],
        [{"kind": "video", "item_id": catalogue.draft}],
        [{"kind": "ebook", "item_id": catalogue.video}],  # the wrong kind
        [{"kind": "quiz", "item_id": str(uuid.uuid4())}],
        [{"kind": "diy", "item_id": catalogue.diy}, {"kind": "diy", "item_id": catalogue.diy}],
        [],
    ]
    for items in cases:
        response = await _assign(client, room, items)
        assert response.status_code == 422, (items, response.text)
    past = await _assign(
        client, room, [{"kind": "diy", "item_id": catalogue.diy}], due_date="2026-06-02"
    )
    assert past.json()["code"] == "due_date_past"
    backwards = await _assign(
        client,
        room,
        [{"kind": "diy", "item_id": catalogue.diy}],
        start_date="2026-06-10",
        due_date="2026-06-05",
    )
    assert backwards.status_code == 422
    assert await scalar(runtime, "SELECT count(*) FROM assignment") == 0


async def test_creating_an_assignment_notifies_each_enrolled_explorer_once(
    runtime: Runtime,
    client: httpx.AsyncClient,
    clock: Clock,
    room: Room,
    enrolled: Explorer,
    catalogue: Catalogue,
) -> None:
    created = await _assign(client, room, [{"kind": "diy", "item_id": catalogue.diy}])
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["due_at"] == "2026-06-05T00:00:00Z"
    assert body["items"] == [{"kind": "diy", "item_id": catalogue.diy, "title": "A paper drum"}]
    await runtime.worker.run_due()
    await runtime.worker.run_due()
    rows = await scalar(
        runtime,
        "SELECT count(*) FROM notification WHERE profile_id = :p AND category = 'classroom'",
        p=enrolled.profile_id,
    )
    assert rows == 1


async def test_the_explorer_sees_open_assignments_first_by_due_date(
    client: httpx.AsyncClient, clock: Clock, room: Room, enrolled: Explorer, catalogue: Catalogue
) -> None:
    diy = [{"kind": "diy", "item_id": catalogue.diy}]
    later = (await _assign(client, room, diy, title="Later", due_date="2026-06-20")).json()
    sooner = (await _assign(client, room, diy, title="Sooner", due_date="2026-06-06")).json()
    done = (await _assign(client, room, diy, title="Closed", due_date="2026-06-04")).json()
    await _assign(
        client, room, diy, title="Not yet", start_date="2026-06-10", due_date="2026-06-12"
    )
    closed = await client.post(
        room.url(f"/assignments/{done['id']}/close"), headers=room.teacher.headers
    )
    assert closed.json()["state"] == "closed"
    mine = await client.get(enrolled.url("/assignments"), headers=enrolled.kid)
    assert mine.status_code == 200
    assert [a["title"] for a in mine.json()["items"]] == ["Sooner", "Later", "Closed"]
    first = mine.json()["items"][0]
    assert first["classroom"]["teacher_display_name"] == "Mrs Mensah"
    assert first["items"][0]["status"] == "not_started"
    # Paged, in the same order.
    page = await client.get(enrolled.url("/assignments"), params={"limit": 2}, headers=enrolled.kid)
    rest = await client.get(
        enrolled.url("/assignments"),
        params={"limit": 2, "cursor": page.json()["next_cursor"]},
        headers=enrolled.kid,
    )
    assert [a["id"] for a in page.json()["items"] + rest.json()["items"]] == [
        sooner["id"],
        later["id"],
        done["id"],
    ]
    # The start date comes: it shows.
    clock.set(datetime(2026, 6, 10, 8, 0, tzinfo=UTC))
    titles = [
        a["title"]
        for a in (await client.get(enrolled.url("/assignments"), headers=enrolled.kid)).json()[
            "items"
        ]
    ]
    assert titles == ["Sooner", "Not yet", "Later", "Closed"]  # overdue is still open


async def test_teachers_edit_reorder_close_and_delete_assignments(
    runtime: Runtime, client: httpx.AsyncClient, clock: Clock, room: Room, catalogue: Catalogue
) -> None:
    diy = [{"kind": "diy", "item_id": catalogue.diy}]
    a = (await _assign(client, room, diy, title="A")).json()
    b = (await _assign(client, room, diy, title="B")).json()
    edited = await client.patch(
        room.url(f"/assignments/{a['id']}"),
        json={"title": "A2", "items": [{"kind": "ebook", "item_id": catalogue.ebook}, *diy]},
        headers=room.teacher.headers,
    )
    assert edited.status_code == 200, edited.text
    assert [i["kind"] for i in edited.json()["items"]] == ["ebook", "diy"]
    reordered = await client.post(
        room.url("/assignments/reorder"),
        json={"ids": [b["id"], a["id"]]},
        headers=room.teacher.headers,
    )
    assert [x["title"] for x in reordered.json()["items"]] == ["B", "A2"]
    assert reordered.json()["next_cursor"] is None
    listed = await client.get(room.url("/assignments"), headers=room.teacher.headers)
    assert [x["title"] for x in listed.json()["items"]] == ["B", "A2"]
    incomplete = await client.post(
        room.url("/assignments/reorder"), json={"ids": [b["id"]]}, headers=room.teacher.headers
    )
    assert incomplete.status_code == 422
    closed = await client.post(
        room.url(f"/assignments/{b['id']}/close"), headers=room.teacher.headers
    )
    assert closed.json()["closed_at"] is not None
    reopened = await client.post(
        room.url(f"/assignments/{b['id']}/reopen"), headers=room.teacher.headers
    )
    assert reopened.json()["state"] == "open"
    deleted = await client.delete(room.url(f"/assignments/{b['id']}"), headers=room.teacher.headers)
    assert deleted.status_code == 204
    assert await scalar(runtime, "SELECT count(*) FROM assignment") == 1


# --- reports ---------------------------------------------------------------------------------


async def _quiz_on(runtime: Runtime, diy_id: str) -> tuple[str, list[str]]:
    """A published quiz with three questions, written straight to the tables."""
    quiz_id = str(uuid.uuid4())
    await execute(
        runtime,
        "INSERT INTO quiz (id, content_kind, diy_id, title, difficulty, status, published_at, "
        "pass_mark, feedback_mode, shuffle_questions, shuffle_choices) VALUES (:id, 'diy', :diy, "
        "'Drum quiz', 'easy', 'published', now() - interval '1 day', 70, 'instant', false, false)",
        id=quiz_id,
        diy=diy_id,
    )
    questions = [str(uuid.uuid4()) for _ in range(3)]
    for n, qid in enumerate(questions):
        await execute(
            runtime,
            "INSERT INTO quiz_question (id, quiz_id, position, type, prompt, hint, explanation, "
            "points) VALUES (:id, :quiz, :n, 'true_false', 'Drums are loud?', 'Listen', '', 1)",
            id=qid,
            quiz=quiz_id,
            n=n,
        )
    return quiz_id, questions


async def _attempt(
    runtime: Runtime,
    quiz_id: str,
    profile_id: str,
    questions: list[str],
    percent: int,
    closed_at: datetime,
    hints: int = 0,
) -> None:
    attempt_id = str(uuid.uuid4())
    passed = percent >= 70
    await execute(
        runtime,
        "INSERT INTO quiz_attempt (id, quiz_id, profile_id, question_order, choice_orders, "
        "started_at, closed_at, closed_reason, score, max_score, percent, passed, stars) VALUES "
        "(:id, :quiz, :profile, :order, '{}', :started, :closed, 'submitted', 1, "
        "3, :percent, :passed, :stars)",
        id=attempt_id,
        quiz=quiz_id,
        profile=profile_id,
        order=[uuid.UUID(q) for q in questions],
        started=closed_at - timedelta(minutes=5),
        closed=closed_at,
        percent=percent,
        passed=passed,
        stars=2 if passed else 1,
    )
    for n, qid in enumerate(questions):
        await execute(
            runtime,
            "INSERT INTO quiz_response (attempt_id, question_id, choice_ids, hint_used, correct, "
            "points_awarded, answered_at, updated_at) VALUES (:a, :q, '{}', :hint, false, 0, "
            ":at, :at)",
            a=attempt_id,
            q=qid,
            hint=n < hints,
            at=closed_at,
        )


async def test_reports_show_status_lateness_help_needed_and_scores_and_the_csv(
    runtime: Runtime,
    client: httpx.AsyncClient,
    clock: Clock,
    room: Room,
    catalogue: Catalogue,
    enrolled: Explorer,
) -> None:
    ama = enrolled
    kojo = await make_explorer(runtime, client, "kojo-family@example.com", "=Kojo")
    assert (await enrol(client, kojo, room.code)).status_code == 201
    quiz_id, questions = await _quiz_on(runtime, catalogue.diy)
    created = await _assign(
        client,
        room,
        [
            {"kind": "diy", "item_id": catalogue.diy},
            {"kind": "ebook", "item_id": catalogue.ebook},
            {"kind": "video", "item_id": catalogue.video},
            {"kind": "quiz", "item_id": quiz_id},
        ],
        title="+Drums week",
        due_date="2026-06-04",
    )
    assert created.status_code == 201, created.text
    assignment = created.json()

    # Ama: the DIY done on time, the eBook half read after the due day, the quiz failed twice.
    done = await client.put(
        ama.url(f"/progress/diy/{catalogue.diy}"),
        json={"steps_done": [1, 2, 3], "sent_at": clock.now.isoformat()},
        headers=ama.kid,
    )
    assert done.status_code == 200, done.text
    await _attempt(runtime, quiz_id, ama.profile_id, questions, 30, clock.now)
    await _attempt(runtime, quiz_id, ama.profile_id, questions, 50, clock.now + timedelta(hours=1))
    # Kojo: passed the quiz on time, with one hint, nothing else.
    await _attempt(runtime, quiz_id, kojo.profile_id, questions, 100, clock.now, hints=1)
    clock.set(datetime(2026, 6, 5, 12, 0, tzinfo=UTC))
    read = await client.put(
        ama.url(f"/progress/ebook/{catalogue.ebook}"),
        json={"page": 2, "pages_read": [1, 2], "sent_at": clock.now.isoformat()},
        headers=ama.kid,
    )
    assert read.status_code == 200, read.text

    report = await client.get(
        room.url(f"/assignments/{assignment['id']}/report"), headers=room.teacher.headers
    )
    assert report.status_code == 200, report.text
    body = report.json()
    by_name = {e["nickname"]: e for e in body["explorers"]}
    assert list(by_name) == ["=Kojo", "Ama"]  # by nickname
    ama_items = [(i["kind"], i["status"], i["late"]) for i in by_name["Ama"]["items"]]
    assert ama_items == [
        ("diy", "completed", False),
        ("ebook", "in_progress", True),
        ("video", "not_started", True),
        ("quiz", "help_needed", True),
    ]
    assert by_name["Ama"]["items"][3]["quiz"] == {
        "attempts": 2,
        "failed_attempts": 2,
        "best_percent": 50,
        "passed": False,
        "hints_used": 0,
    }
    kojo_items = [(i["kind"], i["status"], i["late"]) for i in by_name["=Kojo"]["items"]]
    assert kojo_items[3] == ("quiz", "completed", False)
    assert body["counts"] == {
        "not_started": 4,
        "in_progress": 1,
        "completed": 2,
        "help_needed": 1,
        "late": 6,
    }
    assert "example.com" not in report.text  # never a parent's email

    csv = await client.get(
        room.url(f"/assignments/{assignment['id']}/report.csv"), headers=room.teacher.headers
    )
    assert csv.status_code == 200
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv.headers["content-disposition"].startswith("attachment;")
    assert csv.content.decode("utf-8") == (
        "\ufeffassignment,due_date,explorer,age_band,item_kind,item,status,late,completed_at,"
        "percent,quiz_attempts,quiz_best_percent,quiz_hints_used\r\n"
        "'+Drums week,2026-06-04,'=Kojo,6-8,diy,A paper drum,not_started,yes,,0,,,\r\n"
        "'+Drums week,2026-06-04,'=Kojo,6-8,ebook,Kente colours,not_started,yes,,0,,,\r\n"
        "'+Drums week,2026-06-04,'=Kojo,6-8,video,Ananse and the pot,not_started,yes,,0,,,\r\n"
        "'+Drums week,2026-06-04,'=Kojo,6-8,quiz,Drum quiz,completed,no,"
        "2026-06-03T12:00:00+00:00,100,1,100,1\r\n"
        "'+Drums week,2026-06-04,Ama,6-8,diy,A paper drum,completed,no,"
        "2026-06-03T12:00:00+00:00,100,,,\r\n"
        "'+Drums week,2026-06-04,Ama,6-8,ebook,Kente colours,in_progress,yes,,50,,,\r\n"
        "'+Drums week,2026-06-04,Ama,6-8,video,Ananse and the pot,not_started,yes,,0,,,\r\n"
        "'+Drums week,2026-06-04,Ama,6-8,quiz,Drum quiz,help_needed,yes,,50,2,50,0\r\n"
    )

    summary = await client.get(room.url("/report"), headers=room.teacher.headers)
    assert summary.status_code == 200
    (row,) = summary.json()["assignments"]
    assert row["counts"]["help_needed"] == 1
    assert row["counts"]["completed"] == 2
    whole = await client.get(room.url("/report.csv"), headers=room.teacher.headers)
    assert whole.content == csv.content


async def test_a_quiz_failed_with_several_hints_needs_help(
    runtime: Runtime,
    client: httpx.AsyncClient,
    clock: Clock,
    room: Room,
    catalogue: Catalogue,
    enrolled: Explorer,
) -> None:
    quiz_id, questions = await _quiz_on(runtime, catalogue.diy)
    assignment = (await _assign(client, room, [{"kind": "quiz", "item_id": quiz_id}])).json()
    url = room.url(f"/assignments/{assignment['id']}/report")
    await _attempt(runtime, quiz_id, enrolled.profile_id, questions, 30, clock.now, hints=2)
    first = (await client.get(url, headers=room.teacher.headers)).json()
    assert first["explorers"][0]["items"][0]["status"] == "in_progress"
    await execute(runtime, "DELETE FROM quiz_attempt")
    await _attempt(runtime, quiz_id, enrolled.profile_id, questions, 30, clock.now, hints=3)
    second = (await client.get(url, headers=room.teacher.headers)).json()
    assert second["explorers"][0]["items"][0]["status"] == "help_needed"
    assert second["explorers"][0]["items"][0]["quiz"]["hints_used"] == 3


async def test_the_library_shows_what_is_due_soon(
    client: httpx.AsyncClient, clock: Clock, room: Room, catalogue: Catalogue, enrolled: Explorer
) -> None:
    diy = [{"kind": "diy", "item_id": catalogue.diy}]
    await _assign(client, room, diy, title="Soon", due_date="2026-06-05")
    await _assign(client, room, diy, title="Far", due_date="2026-07-30")
    library = await client.get(enrolled.url("/library"), headers=enrolled.kid)
    assert library.status_code == 200
    due = library.json()["due_soon"]
    assert [(d["title"], d["items_total"], d["items_done"]) for d in due] == [("Soon", 1, 0)]
    await client.put(
        enrolled.url(f"/progress/diy/{catalogue.diy}"),
        json={"steps_done": [1, 2, 3], "sent_at": clock.now.isoformat()},
        headers=enrolled.kid,
    )
    library = await client.get(enrolled.url("/library"), headers=enrolled.kid)
    assert library.json()["due_soon"] == []


# --- data rights -----------------------------------------------------------------------------


async def test_the_parents_export_holds_the_memberships(
    client: httpx.AsyncClient, room: Room, enrolled: Explorer
) -> None:
    export = await client.get(f"{API}/accounts/me/export", headers=enrolled.parent)
    assert export.status_code == 200
    (membership,) = export.json()["classrooms"]["memberships"]
    assert membership["classroom_id"] == room.id
    assert membership["profile_id"] == enrolled.profile_id
    assert membership["teacher_display_name"] == "Mrs Mensah"


async def test_memberships_go_with_the_profile(
    runtime: Runtime, client: httpx.AsyncClient, room: Room, enrolled: Explorer
) -> None:
    deleted = await client.delete(enrolled.url(""), headers=enrolled.parent)
    assert deleted.status_code == 204
    assert await scalar(runtime, "SELECT count(*) FROM classroom_member") == 0
    members = await client.get(room.url("/members"), headers=room.teacher.headers)
    assert members.json() == {"items": [], "next_cursor": None}


async def test_a_deleted_teachers_classrooms_are_archived_and_progress_stays(
    runtime: Runtime,
    client: httpx.AsyncClient,
    clock: Clock,
    room: Room,
    catalogue: Catalogue,
    enrolled: Explorer,
) -> None:
    await _assign(client, room, [{"kind": "diy", "item_id": catalogue.diy}])
    await client.put(
        enrolled.url(f"/progress/diy/{catalogue.diy}"),
        json={"steps_done": [1], "sent_at": clock.now.isoformat()},
        headers=enrolled.kid,
    )
    await execute(runtime, "DELETE FROM account WHERE id = :id", id=room.teacher.account_id)
    async with runtime.db.session() as session:
        row = (
            await session.execute(
                sa.text("SELECT owner_id, archived_at, code_enabled FROM classroom WHERE id = :id"),
                {"id": room.id},
            )
        ).one()
    assert row.owner_id is None
    assert row.archived_at is not None
    assert row.code_enabled is False
    assert (
        await scalar(
            runtime, "SELECT count(*) FROM progress WHERE profile_id = :p", p=enrolled.profile_id
        )
        == 1
    )
    # The code no longer works, and the child no longer sees its assignments.
    lookup = await client.get(
        f"{API}/classrooms/lookup", params={"code": room.code}, headers=enrolled.parent
    )
    assert lookup.status_code == 404
    mine = await client.get(enrolled.url("/assignments"), headers=enrolled.kid)
    assert mine.json()["items"] == []
    # Its code is free again for an active classroom (unique among active ones only).
    await execute(runtime, "UPDATE classroom SET join_code = 'ABCDEFGH' WHERE id = :id", id=room.id)
    other = await make_teacher(runtime, client, "next@school.example.com")
    fresh = await make_room(client, other)
    await execute(
        runtime, "UPDATE classroom SET join_code = 'ABCDEFGH' WHERE id = :id", id=fresh.id
    )


async def test_an_archived_classroom_reads_but_does_not_change(
    client: httpx.AsyncClient, clock: Clock, room: Room, catalogue: Catalogue
) -> None:
    archived = await client.delete(room.url(), headers=room.teacher.headers)
    assert archived.status_code == 204
    body = (await client.get(room.url(), headers=room.teacher.headers)).json()
    assert body["archived"] is True
    assert body["code_enabled"] is False
    assert (
        await client.patch(room.url(), json={"name": "x"}, headers=room.teacher.headers)
    ).status_code == 409
    assert (
        await _assign(client, room, [{"kind": "diy", "item_id": catalogue.diy}])
    ).status_code == 409
    listed = await client.get(
        f"{API}/classrooms", params={"archived": True}, headers=room.teacher.headers
    )
    assert [c["id"] for c in listed.json()["items"]] == [room.id]


async def _walk(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], key: str = "id"
) -> list[list[str]]:
    """Every page of a list, one item a page: the `key` of each page's items."""
    pages, cursor = [], None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        response = await client.get(url, params=params, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"items", "next_cursor"}
        pages.append(
            [item[key] if key != "classroom" else item[key]["id"] for item in body["items"]]
        )
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


async def test_members_invites_and_enrolments_are_pages_in_a_stable_order(
    client: httpx.AsyncClient,
    teacher: Teacher,
    other_teacher: Teacher,
    explorer: Explorer,
    stranger: Explorer,
) -> None:
    first, second = (
        await make_room(client, teacher, "P3 Blue"),
        await make_room(client, teacher, "P3 Red"),
    )
    for room in (first, second):
        assert (await enrol(client, explorer, room.code)).status_code == 201
        invited = await client.post(
            room.url("/invites"), json={"email": other_teacher.email}, headers=teacher.headers
        )
        assert invited.status_code == 201, invited.text
    assert (await enrol(client, stranger, first.code)).status_code == 201

    # Each list a page at a time (by when they joined, or were invited; the id breaks ties):
    # every item once, in the same order on every walk.
    lists = {
        first.url("/members"): (teacher.headers, "profile_id"),
        explorer.url("/classrooms"): (explorer.kid, "classroom"),
        f"{API}/classrooms/invites": (other_teacher.headers, "classroom_id"),
    }
    walked = {url: await _walk(client, url, *how) for url, how in lists.items()}
    assert sorted(walked[first.url("/members")]) == sorted(
        [[explorer.profile_id], [stranger.profile_id]]
    )
    assert sorted(walked[explorer.url("/classrooms")]) == sorted([[first.id], [second.id]])
    assert sorted(walked[f"{API}/classrooms/invites"]) == sorted([[first.id], [second.id]])
    assert {url: await _walk(client, url, *how) for url, how in lists.items()} == walked

    forged = await client.get(
        first.url("/members"), params={"cursor": "bm90LWEtY3Vyc29y"}, headers=teacher.headers
    )
    assert forged.status_code == 400
    assert forged.json()["code"] == "invalid_cursor"


async def test_the_explore_screen_of_an_explorer_shows_what_is_due_soon(
    client: httpx.AsyncClient, clock: Clock, room: Room, catalogue: Catalogue, enrolled: Explorer
) -> None:
    diy = [{"kind": "diy", "item_id": catalogue.diy}]
    await _assign(client, room, diy, title="Soon", due_date="2026-06-05")
    mine = await client.get(
        f"/api/v1/tabs/explore?profile_id={enrolled.profile_id}", headers=enrolled.kid
    )
    assert mine.status_code == 200, mine.text
    assert [d["title"] for d in mine.json()["due_soon"]] == ["Soon"]
    # One child's assignments never reach a shared cache.
    assert mine.headers["cache-control"] == "private, no-store"
    public = await client.get("/api/v1/tabs/explore")
    assert public.status_code == 200
    assert "due_soon" not in public.json()
