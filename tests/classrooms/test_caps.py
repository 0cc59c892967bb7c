"""How big a classroom may grow: members (checked under a lock on the classroom, so a
class joining at once cannot overshoot) and assignments."""

from __future__ import annotations

import asyncio

import httpx
import sqlalchemy as sa

from app.runtime import Runtime
from tests.classrooms.conftest import Room, enrol, make_room, make_teacher
from tests.progress.fixtures import Catalogue, Clock, Explorer, make_explorer


async def _count(runtime: Runtime, sql: str, **params: object) -> int:
    async with runtime.db.session() as session:
        return int((await session.execute(sa.text(sql), params)).scalar() or 0)


def _cap(runtime: Runtime, **caps: int) -> None:
    runtime.settings = runtime.settings.model_copy(update=caps)


async def test_a_full_classroom_refuses_one_more_explorer_and_changes_nothing(
    runtime: Runtime,
    client: httpx.AsyncClient,
    room: Room,
    explorer: Explorer,
    stranger: Explorer,
) -> None:
    _cap(runtime, classroom_max_members=2)
    assert (await enrol(client, explorer, room.code)).status_code == 201
    assert (await enrol(client, stranger, room.code)).status_code == 201
    third = await make_explorer(runtime, client, "third-family@example.com", "Esi")
    refused = await enrol(client, third, room.code)
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "classroom_full"
    members = "SELECT count(*) FROM classroom_member WHERE classroom_id = CAST(:c AS uuid)"
    assert await _count(runtime, members, c=room.id) == 2
    # Already in: the same answer as ever, full or not.
    again = await enrol(client, explorer, room.code)
    assert again.status_code == 200, again.text
    # A place freed is a place taken.
    left = await client.delete(explorer.url(f"/classrooms/{room.id}"), headers=explorer.parent)
    assert left.status_code == 204
    assert (await enrol(client, third, room.code)).status_code == 201
    assert await _count(runtime, members, c=room.id) == 2


async def test_a_class_joining_at_once_never_overshoots_the_cap(
    live_runtime: Runtime, live_client: httpx.AsyncClient
) -> None:
    _cap(live_runtime, classroom_max_members=3)
    teacher = await make_teacher(live_runtime, live_client, "cap.teacher@school.example.com")
    room = await make_room(live_client, teacher)
    families = [
        await make_explorer(live_runtime, live_client, f"cap-{n}@example.com", f"Kid{n}")
        for n in range(6)
    ]
    answers = await asyncio.gather(*(enrol(live_client, f, room.code) for f in families))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201, 201, 201, 409, 409, 409], [a.text for a in answers]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"classroom_full"}
    assert (
        await _count(
            live_runtime,
            "SELECT count(*) FROM classroom_member WHERE classroom_id = CAST(:c AS uuid)",
            c=room.id,
        )
        == 3
    )


async def test_a_classroom_has_at_most_so_many_assignments(
    runtime: Runtime, client: httpx.AsyncClient, clock: Clock, room: Room, catalogue: Catalogue
) -> None:
    _cap(runtime, classroom_max_assignments=2)

    async def assign(title: str) -> httpx.Response:
        return await client.post(
            room.url("/assignments"),
            json={
                "title": title,
                "due_date": "2026-06-04",
                "items": [{"kind": "diy", "item_id": catalogue.diy}],
            },
            headers=room.teacher.headers,
        )

    first, second = await assign("One"), await assign("Two")
    assert first.status_code == second.status_code == 201
    refused = await assign("Three")
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "assignment_limit"
    assignments = "SELECT count(*) FROM assignment WHERE classroom_id = CAST(:c AS uuid)"
    assert await _count(runtime, assignments, c=room.id) == 2
    deleted = await client.delete(
        room.url(f"/assignments/{first.json()['id']}"), headers=room.teacher.headers
    )
    assert deleted.status_code == 204
    assert (await assign("Three")).status_code == 201
    # Items per assignment are capped by the schema.
    many = await client.post(
        room.url("/assignments"),
        json={
            "title": "Too much",
            "due_date": "2026-06-04",
            "items": [{"kind": "diy", "item_id": catalogue.diy}] * 21,
        },
        headers=room.teacher.headers,
    )
    assert many.status_code == 422


async def test_a_co_teacher_invite_is_accepted_only_from_a_verified_address(
    runtime: Runtime, client: httpx.AsyncClient, room: Room
) -> None:
    other = await make_teacher(runtime, client, "unverified@school.example.com", "Mr Boateng")
    invited = await client.post(
        room.url("/invites"), json={"email": other.email}, headers=room.teacher.headers
    )
    assert invited.status_code == 201, invited.text
    accept = f"/api/v1/classrooms/invites/{invited.json()['id']}/accept"
    verified = "UPDATE account SET email_verified_at = {} WHERE id = CAST(:a AS uuid)"
    async with runtime.db.session() as session:
        await session.execute(sa.text(verified.format("NULL")), {"a": other.account_id})

    refused = await client.post(accept, headers=other.headers)
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "email_not_verified"
    teaching = "SELECT count(*) FROM classroom_teacher WHERE account_id = CAST(:a AS uuid)"
    assert await _count(runtime, teaching, a=other.account_id) == 0
    pending = "SELECT count(*) FROM classroom_invite WHERE accepted_at IS NULL"
    assert await _count(runtime, pending) == 1

    async with runtime.db.session() as session:
        await session.execute(sa.text(verified.format("now()")), {"a": other.account_id})
    accepted = await client.post(accept, headers=other.headers)
    assert accepted.status_code == 200, accepted.text
    assert await _count(runtime, teaching, a=other.account_id) == 1
