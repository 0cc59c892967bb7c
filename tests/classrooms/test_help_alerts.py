"""Teachers hear when a child struggles: one notification per explorer and assignment to
each teacher of the classroom, with the assignment and the item and nothing about the
parent; a teacher may turn them off for one classroom."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import sqlalchemy as sa

from app.classrooms.alerts import help_needed
from app.runtime import Runtime
from tests.classrooms.conftest import Room, Teacher
from tests.classrooms.test_classrooms import _assign, _attempt, _quiz_on
from tests.progress.fixtures import Catalogue, Clock, Explorer


async def _alerts(runtime: Runtime, account_id: str) -> list[dict]:
    async with runtime.db.session() as session:
        rows = await session.execute(
            sa.text(
                "SELECT title, body, link, dedup_key, profile_id, category FROM notification "
                "WHERE account_id = :a ORDER BY created_at"
            ).bindparams(a=uuid.UUID(account_id))
        )
        return [dict(r._mapping) for r in rows]


async def _run(runtime: Runtime, clock: Clock) -> int:
    async with runtime.db.session() as session:
        return await help_needed(session, clock.now + timedelta(minutes=2))


async def test_each_teacher_hears_once_per_explorer_and_assignment(
    runtime: Runtime,
    client: httpx.AsyncClient,
    clock: Clock,
    room: Room,
    other_teacher: Teacher,
    catalogue: Catalogue,
    enrolled: Explorer,
) -> None:
    invite = await client.post(
        room.url("/invites"), json={"email": other_teacher.email}, headers=room.teacher.headers
    )
    assert invite.status_code in (200, 201), invite.text
    invites = (await client.get("/api/v1/classrooms/invites", headers=other_teacher.headers)).json()
    accepted = await client.post(
        f"/api/v1/classrooms/invites/{invites['items'][0]['id']}/accept",
        headers=other_teacher.headers,
    )
    assert accepted.status_code in (200, 201, 204), accepted.text
    quiz_id, questions = await _quiz_on(runtime, catalogue.diy)
    assignment = (await _assign(client, room, [{"kind": "quiz", "item_id": quiz_id}])).json()

    await _attempt(runtime, quiz_id, enrolled.profile_id, questions, 30, clock.now)
    assert await _run(runtime, clock) == 0  # one failed attempt: not yet
    await _attempt(runtime, quiz_id, enrolled.profile_id, questions, 40, clock.now)
    assert await _run(runtime, clock) == 2  # the owner and the co-teacher
    assert await _run(runtime, clock) == 0  # a rerun sends nothing twice

    for teacher in (room.teacher, other_teacher):
        (alert,) = await _alerts(runtime, teacher.account_id)
        assert alert["title"] == "Ama may need help"
        assert "Drum quiz" in alert["body"]
        assert "Drums week" in alert["body"]
        assert alert["link"].endswith(f"/assignments/{assignment['id']}")
        assert alert["profile_id"] is None
        assert alert["category"] == "classroom"
        assert "@" not in alert["body"]  # nothing of the parent (their address, their name)
    inbox = await client.get("/api/v1/notifications", headers=room.teacher.headers)
    assert inbox.json()["items"][0]["title"] == "Ama may need help"


async def test_a_teacher_turns_them_off_for_one_classroom(
    runtime: Runtime,
    client: httpx.AsyncClient,
    clock: Clock,
    room: Room,
    catalogue: Catalogue,
    enrolled: Explorer,
) -> None:
    url = room.url("/alerts")
    assert (await client.get(url, headers=room.teacher.headers)).json() == {"help_needed": True}
    off = await client.put(url, json={"help_needed": False}, headers=room.teacher.headers)
    assert off.json() == {"help_needed": False}
    assert (await client.get(url, headers=room.teacher.headers)).json() == {"help_needed": False}
    export = await client.get("/api/v1/accounts/me/export", headers=room.teacher.headers)
    assert export.json()["classrooms"]["teaching"][0]["help_needed_alerts"] is False
    assert (
        await client.put(url, json={"help_needed": False}, headers=enrolled.parent)
    ).status_code == 403
    quiz_id, questions = await _quiz_on(runtime, catalogue.diy)
    await _assign(client, room, [{"kind": "quiz", "item_id": quiz_id}])
    await _attempt(runtime, quiz_id, enrolled.profile_id, questions, 30, clock.now, hints=3)
    assert await _run(runtime, clock) == 0
    assert await _alerts(runtime, room.teacher.account_id) == []
    on = await client.put(url, json={"help_needed": True}, headers=room.teacher.headers)
    assert on.json() == {"help_needed": True}
    assert await _run(runtime, clock) == 1
