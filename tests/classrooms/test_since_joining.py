"""Teachers see classroom activity only: reports (JSON and CSV, per assignment and per
classroom) and the explorer's own list count what a child did since joining the classroom,
never their home activity from before, nor its times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import httpx
import sqlalchemy as sa

from app.classrooms.schemas import ItemStatus
from app.classrooms.standing import since_joining
from app.runtime import Runtime
from tests.classrooms.conftest import Room, enrol
from tests.classrooms.test_classrooms import _assign, _attempt, _quiz_on
from tests.progress.fixtures import Catalogue, Clock, Explorer

JOINED = datetime(2026, 6, 3, 12, 0, tzinfo=UTC)
HOME = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # two days before joining


async def _beat(
    client: httpx.AsyncClient,
    explorer: Explorer,
    clock: Clock,
    kind: str,
    item: str,
    **body: object,
) -> None:
    response = await client.put(
        explorer.url(f"/progress/{kind}/{item}"),
        json={**body, "sent_at": clock.now.isoformat()},
        headers=explorer.kid,
    )
    assert response.status_code == 200, response.text


def _items(report: dict[str, object]) -> list[tuple[str, str, int, str | None]]:
    (ama,) = report["explorers"]  # type: ignore[misc]
    return [(i["kind"], i["status"], i["percent"], i["completed_at"]) for i in ama["items"]]


async def test_reports_count_only_what_a_child_did_since_joining(
    runtime: Runtime,
    client: httpx.AsyncClient,
    clock: Clock,
    room: Room,
    catalogue: Catalogue,
    explorer: Explorer,
) -> None:
    ama = explorer
    quiz_id, questions = await _quiz_on(runtime, catalogue.diy)
    # At home, before joining: half a minute of the video, the whole eBook, the whole DIY,
    # and the quiz passed.
    clock.set(HOME)
    await _beat(
        client, ama, clock, "video", catalogue.video, position_ms=30_000, watched=[[0, 30_000]]
    )
    await _beat(client, ama, clock, "ebook", catalogue.ebook, page=4, pages_read=[1, 2, 3, 4])
    await _beat(client, ama, clock, "diy", catalogue.diy, steps_done=[1, 2, 3])
    await _attempt(runtime, quiz_id, ama.profile_id, questions, 100, HOME)

    clock.set(JOINED)
    assert (await enrol(client, ama, room.code)).status_code == 201
    created = await _assign(
        client,
        room,
        [
            {"kind": "video", "item_id": catalogue.video},
            {"kind": "ebook", "item_id": catalogue.ebook},
            {"kind": "diy", "item_id": catalogue.diy},
            {"kind": "quiz", "item_id": quiz_id},
        ],
        title="Drums week",
        due_date="2026-06-04",
    )
    assert created.status_code == 201, created.text
    assignment = created.json()["id"]
    # In class time she opens the DIY again; nothing else.
    clock.set(JOINED + timedelta(hours=1))
    await _beat(client, ama, clock, "diy", catalogue.diy, steps_done=[2])

    report = await client.get(
        room.url(f"/assignments/{assignment}/report"), headers=room.teacher.headers
    )
    assert report.status_code == 200, report.text
    assert _items(report.json()) == [
        ("video", "not_started", 0, None),
        ("ebook", "not_started", 0, None),  # read at home, before joining
        ("diy", "completed", 100, "2026-06-03T12:00:00Z"),  # done before, touched since
        ("quiz", "not_started", 0, None),  # passed at home
    ]
    assert report.json()["explorers"][0]["items"][3]["quiz"] is None
    assert report.json()["counts"] == {
        "not_started": 3,
        "in_progress": 0,
        "completed": 1,
        "help_needed": 0,
        "late": 0,
    }
    assert "2026-06-01" not in report.text  # no time from before the join

    csv = await client.get(
        room.url(f"/assignments/{assignment}/report.csv"), headers=room.teacher.headers
    )
    assert csv.status_code == 200
    assert csv.content.decode("utf-8").splitlines()[1:] == [
        "Drums week,2026-06-04,Ama,6-8,video,Ananse and the pot,not_started,no,,0,,,",
        "Drums week,2026-06-04,Ama,6-8,ebook,Kente colours,not_started,no,,0,,,",
        "Drums week,2026-06-04,Ama,6-8,diy,A paper drum,completed,no,"
        "2026-06-03T12:00:00+00:00,100,,,",
        "Drums week,2026-06-04,Ama,6-8,quiz,Drum quiz,not_started,no,,0,,,",
    ]
    whole = await client.get(room.url("/report.csv"), headers=room.teacher.headers)
    assert whole.content == csv.content
    summary = await client.get(room.url("/report"), headers=room.teacher.headers)
    assert summary.json()["counts"] == report.json()["counts"]

    # The child's own list says the same, so she knows what is left to do.
    mine = await client.get(ama.url("/assignments"), headers=ama.kid)
    (own,) = mine.json()["items"]
    assert [(i["kind"], i["status"]) for i in own["items"]] == [
        (kind, status) for kind, status, _, _ in _items(report.json())
    ]
    assert own["done"] is False

    # A quiz attempt since joining counts, alone.
    await _attempt(runtime, quiz_id, ama.profile_id, questions, 40, clock.now)
    again = await client.get(
        room.url(f"/assignments/{assignment}/report"), headers=room.teacher.headers
    )
    quiz = again.json()["explorers"][0]["items"][3]
    assert (quiz["status"], quiz["quiz"]["attempts"], quiz["quiz"]["passed"]) == (
        "in_progress",
        1,
        False,
    )

    # The family's own record is untouched: the eBook stays read, on the day she read it.
    async with runtime.db.session() as session:
        stored = (
            await session.execute(
                sa.text(
                    "SELECT p.completed_at, m.joined_at FROM progress p JOIN classroom_member m "
                    "ON m.profile_id = p.profile_id WHERE p.profile_id = :p AND p.item_id = :i"
                ),
                {"p": ama.profile_id, "i": catalogue.ebook},
            )
        ).one()
    assert stored.completed_at == HOME
    assert stored.joined_at == JOINED

    # Leaving and joining again starts afresh: the DIY touched before is not counted.
    left = await client.delete(ama.url(f"/classrooms/{room.id}"), headers=ama.parent)
    assert left.status_code == 204
    clock.set(JOINED + timedelta(hours=3))
    assert (await enrol(client, ama, room.code)).status_code == 201
    fresh = await client.get(
        room.url(f"/assignments/{assignment}/report"), headers=room.teacher.headers
    )
    assert [s for _, s, _, _ in _items(fresh.json())] == ["not_started"] * 4


def test_the_rule_for_an_item_started_before_joining() -> None:
    joined = JOINED

    def row(updated: datetime, completed: datetime | None, percent: int) -> SimpleNamespace:
        return SimpleNamespace(updated_at=updated, completed_at=completed, percent=percent)

    before, after = joined - timedelta(days=1), joined + timedelta(hours=1)
    assert since_joining(None, joined) == (ItemStatus.not_started, 0, None)
    # Untouched since the join: whatever happened before does not count.
    assert since_joining(row(before, None, 60), joined) == (ItemStatus.not_started, 0, None)
    assert since_joining(row(before, before, 100), joined) == (ItemStatus.not_started, 0, None)
    # Touched since: as it stands, a completion from before dated at the join.
    assert since_joining(row(after, None, 60), joined) == (ItemStatus.in_progress, 60, None)
    assert since_joining(row(after, before, 100), joined) == (ItemStatus.completed, 100, joined)
    assert since_joining(row(after, after, 100), joined) == (ItemStatus.completed, 100, after)
    # The instant of joining counts as since.
    assert since_joining(row(joined, joined, 100), joined) == (ItemStatus.completed, 100, joined)
