"""What teachers read: per assignment, each explorer's standing on each item; per classroom,
every assignment summarised; both as JSON and as CSV for a spreadsheet."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.classrooms import assignments, queries
from app.classrooms.access import Access
from app.classrooms.models import Assignment
from app.classrooms.people import avatar_url, profiles
from app.classrooms.schemas import (
    AssignmentOut,
    AssignmentReport,
    AssignmentSummary,
    ClassroomReport,
    ExplorerReport,
    ExplorerSummary,
    ItemProgress,
    StatusCounts,
)
from app.classrooms.standing import count, facts, item_progress
from app.profiles.models import Profile


@dataclass(frozen=True)
class _Grid:
    assignments: list[AssignmentOut]
    profiles: list[Profile]
    rows: dict[tuple[uuid.UUID, uuid.UUID], list[ItemProgress]]  # (assignment, profile)


async def _grid(
    session: AsyncSession, access: Access, rows: Sequence[Assignment], now: datetime
) -> _Grid:
    outs = await assignments.outs(session, access.room, rows, now)
    members = await queries.members(session, access.room.id)
    found = await profiles(session, [m.profile_id for m in members])
    # A class list, as a teacher reads it: by nickname.
    explorers = sorted(
        (found[m.profile_id] for m in members if m.profile_id in found),
        key=lambda p: (p.nickname.casefold(), p.id),
    )
    joined = {m.profile_id: m.joined_at for m in members}
    known = await facts(
        session,
        {p.id: joined[p.id] for p in explorers},
        ((i.kind.value, i.item_id) for a in outs for i in a.items),
    )
    grid = {
        (a.id, p.id): [
            item_progress(known, p.id, i.kind.value, i.item_id, i.title, a.due_at, now)
            for i in a.items
        ]
        for a in outs
        for p in explorers
    }
    return _Grid(outs, explorers, grid)


async def assignment_report(
    session: AsyncSession, access: Access, assignment_id: uuid.UUID, now: datetime
) -> AssignmentReport:
    a = await assignments.get(session, access, assignment_id)
    grid = await _grid(session, access, [a], now)
    counts = StatusCounts()
    explorers = []
    for p in grid.profiles:
        entries = grid.rows[(a.id, p.id)]
        count(counts, entries)
        explorers.append(
            ExplorerReport(
                profile_id=p.id,
                nickname=p.nickname,
                age_band=p.age_band,
                avatar_url=avatar_url(access.room.id, p.id),
                items=entries,
            )
        )
    return AssignmentReport(assignment=grid.assignments[0], counts=counts, explorers=explorers)


async def classroom_report(session: AsyncSession, access: Access, now: datetime) -> ClassroomReport:
    grid = await _grid(session, access, await queries.all_assignments(session, access.room.id), now)
    total = StatusCounts()
    summaries = []
    for a in grid.assignments:
        counts = StatusCounts()
        for p in grid.profiles:
            count(counts, grid.rows[(a.id, p.id)])
        summaries.append(
            AssignmentSummary(
                assignment_id=a.id, title=a.title, due_date=a.due_date, state=a.state, counts=counts
            )
        )
    explorers = []
    for p in grid.profiles:
        counts = StatusCounts()
        for a in grid.assignments:
            count(counts, grid.rows[(a.id, p.id)])
            count(total, grid.rows[(a.id, p.id)])
        explorers.append(
            ExplorerSummary(
                profile_id=p.id,
                nickname=p.nickname,
                age_band=p.age_band,
                avatar_url=avatar_url(access.room.id, p.id),
                counts=counts,
            )
        )
    return ClassroomReport(
        classroom_id=access.room.id,
        name=access.room.name,
        assignments=summaries,
        explorers=explorers,
        counts=total,
    )


# --- CSV -------------------------------------------------------------------------------------

CSV_HEADER = (
    "assignment",
    "due_date",
    "explorer",
    "age_band",
    "item_kind",
    "item",
    "status",
    "late",
    "completed_at",
    "percent",
    "quiz_attempts",
    "quiz_best_percent",
    "quiz_hints_used",
)
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(grid: _Grid) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for a in grid.assignments:
        for p in grid.profiles:
            for entry in grid.rows[(a.id, p.id)]:
                quiz = entry.quiz
                writer.writerow(
                    [
                        safe_cell(a.title),
                        a.due_date.isoformat(),
                        safe_cell(p.nickname),
                        p.age_band,
                        entry.kind.value,
                        safe_cell(entry.title),
                        entry.status.value,
                        "yes" if entry.late else "no",
                        entry.completed_at.astimezone(UTC).isoformat()
                        if entry.completed_at
                        else "",
                        entry.percent,
                        quiz.attempts if quiz else "",
                        quiz.best_percent if quiz and quiz.best_percent is not None else "",
                        quiz.hints_used if quiz else "",
                    ]
                )
    # With a byte order mark, spreadsheets read the file as UTF-8 (nicknames like Ɛsi).
    return "\ufeff" + out.getvalue()


async def assignment_csv(
    session: AsyncSession, access: Access, assignment_id: uuid.UUID, now: datetime
) -> str:
    a = await assignments.get(session, access, assignment_id)
    return _csv(await _grid(session, access, [a], now))


async def classroom_csv(session: AsyncSession, access: Access, now: datetime) -> str:
    rows = await queries.all_assignments(session, access.room.id)
    return _csv(await _grid(session, access, rows, now))
