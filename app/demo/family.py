"""A demo family for development: a parent with three explorers, and a teacher whose
classroom they joined, with a week of activity made through the services the app's requests
call: heartbeats sent as real play sends them (every few seconds, the clock moving with the
play, on days spread over the past week), quiz attempts answered and submitted, and an
assignment. So "My adventures", the parent's activity view, the classroom report and the
stats dashboard have something to show on the first start.

Never in production (app/seed.py runs seeders only outside it, and not at all with
SEED_DEMO_CONTENT=false). The sign-ins are shown once on the terminal with the admin's."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import service as accounts_service
from app.accounts.models import Account, Role
from app.accounts.privacy import NOTICE_VERSION
from app.auth.caller import Caller
from app.catalog import lookups
from app.catalog.schemas import Kind
from app.classrooms import assignments as classroom_assignments
from app.classrooms import enrolment, rooms
from app.classrooms.access import Access
from app.classrooms.models import Classroom
from app.classrooms.schemas import AssignmentIn, ClassroomIn, TeacherRole
from app.core.db import session_driver
from app.core.examples import demo_id
from app.demo import queries
from app.profiles import service as profiles_service
from app.profiles.schemas import ProfileCreate
from app.progress import service as progress_service
from app.progress.schemas import DiyBeat, EbookBeat, VideoBeat
from app.quizzes import attempts
from app.quizzes.schemas import AnswerIn

if TYPE_CHECKING:
    from app.runtime import Runtime

PARENT_EMAIL = "family@wonderspaced.app"
TEACHER_EMAIL = "teacher@wonderspaced.app"
BEAT_SECONDS = 10
# The seed acts for these accounts without a token of theirs.
SEED_TOKEN_ID = "demo-seed"  # noqa: S105 (not a secret: no token has this id)  # a heartbeat every ten seconds of play, as the app sends them


@dataclass(frozen=True)
class Play:
    """One sitting: `days_ago` at `hour` (UTC), an item by title, how much of it (0-1), and
    the quiz on it answered afterwards, if any (by title)."""

    explorer: str
    days_ago: int
    hour: int
    kind: Kind
    title: str
    share: float = 1.0
    quiz: str | None = None


EXPLORERS = (("Ama", "6-8"), ("Kofi", "3-5"), ("Esi", "9-12"))

WEEK = (
    Play("Ama", 6, 16, Kind.video, "Kente Colours: Weaving a Story", quiz="Colours of kente"),
    Play("Kofi", 6, 17, Kind.video, "Adowa Dance Steps"),
    Play(
        "Esi",
        5,
        16,
        Kind.video,
        "Adinkra Symbols and What They Mean",
        quiz="Adinkra symbols: first look",
    ),
    Play("Ama", 5, 18, Kind.ebook, "Anansi and the Pot of Wisdom", quiz="Anansi's pot"),
    Play("Kofi", 4, 16, Kind.ebook, "The Tortoise Who Wanted to Fly"),
    Play("Esi", 4, 17, Kind.ebook, "From Cocoa Seed to Chocolate", quiz="From seed to chocolate"),
    Play("Ama", 3, 16, Kind.diy, "Paper Kente Weave"),
    Play("Kofi", 2, 17, Kind.diy, "Tin Can Talking Drum", quiz="Drum maker"),
    Play("Esi", 2, 18, Kind.diy, "Adinkra Potato Stamps", share=0.5),
    Play("Ama", 1, 16, Kind.video, "How Anansi Got the Stories", share=0.6),
    Play("Esi", 1, 17, Kind.video, "Drumming with the Fontomfrom", quiz="The talking drums"),
    Play("Kofi", 0, 0, Kind.video, "Anansi Borrows a Drum", share=0.5),
)


async def seed_demo_family(session: AsyncSession, runtime: Runtime) -> list[str] | None:
    if await accounts_service.get_by_email(session, PARENT_EMAIL) is not None:
        return None
    items = await queries.items_by_title(session)
    if not all((play.kind, play.title) in items for play in WEEK):
        return None  # no demo catalogue (SEED_DEMO_CONTENT on an older database)
    password = secrets.token_urlsafe(12)
    now = runtime.clock()
    parent = await _account(session, PARENT_EMAIL, password, Role.parent, "Abena (demo parent)")
    teacher = await _account(
        session, TEACHER_EMAIL, password, Role.teacher, "Mr Mensah (demo teacher)"
    )
    explorers: dict[str, uuid.UUID] = {}
    for nickname, band in EXPLORERS:
        profile = await profiles_service.create(
            session,
            runtime.settings,
            parent.id,
            ProfileCreate.model_validate({"nickname": nickname, "age_band": band}),
        )
        explorers[nickname] = profile.id
    room = await _classroom(session, runtime, teacher, parent, explorers, now - timedelta(days=7))
    for play in WEEK:
        await _play(session, runtime, explorers[play.explorer], items, play, now)
    await classroom_assignments.create(
        session,
        runtime.settings,
        Access(room, TeacherRole.owner),
        AssignmentIn.model_validate(
            {
                "title": "Kente week",
                "note": "Watch the kente video, then weave your own paper kente.",
                "items": [
                    {
                        "kind": "video",
                        "item_id": items[(Kind.video, "Kente Colours: Weaving a Story")],
                    },
                    {"kind": "diy", "item_id": items[(Kind.diy, "Paper Kente Weave")]},
                ],
                "due_date": (now + timedelta(days=4)).date().isoformat(),
            }
        ),
        now,
    )
    return [
        f"Demo family: {PARENT_EMAIL} (explorers Ama, Kofi and Esi), and their teacher "
        f"{TEACHER_EMAIL}\n  Password of both (shown only now): {password}"
    ]


async def _account(
    session: AsyncSession, email: str, password: str, role: Role, name: str
) -> Account:
    account = await accounts_service.create_account(
        session, email, password, role, account_id=demo_id("account", email)
    )
    account.display_name = name
    await accounts_service.record_consent(session, account.id, NOTICE_VERSION)
    await session.flush()
    return account


async def _classroom(
    session: AsyncSession,
    runtime: Runtime,
    teacher: Account,
    parent: Account,
    explorers: dict[str, uuid.UUID],
    joined: datetime,
) -> Classroom:
    made = await rooms.create(
        session,
        Caller(account_id=teacher.id, role=Role.teacher, token_id=SEED_TOKEN_ID),
        ClassroomIn.model_validate({"name": "Class 2 Explorers", "age_band": "6-8"}),
    )
    room = await session.get(Classroom, made.id)
    assert room is not None
    caller = Caller(account_id=parent.id, role=Role.parent, token_id=SEED_TOKEN_ID)
    for profile_id in explorers.values():
        profile = await profiles_service.get_for(session, caller, profile_id)
        await enrolment.enrol(
            session,
            runtime.rate_limiter,
            runtime.settings,
            caller,
            "127.0.0.1",
            profile,
            room.join_code,
            joined,
        )
    return room


def _beats(
    kind: Kind, length: int, share: float, start: datetime
) -> Iterator[tuple[datetime, Any]]:
    """The heartbeats of one sitting, each with the server's time when it arrives."""
    if kind is Kind.video:
        end = round(length * share)
        for at in range(0, end, BEAT_SECONDS * 1000):
            upto = min(end, at + BEAT_SECONDS * 1000)
            when = start + timedelta(milliseconds=upto)
            yield when, VideoBeat(sent_at=when, position_ms=upto, watched=[[at, upto]])
        return
    seconds = 8 if kind is Kind.ebook else 15  # a page read aloud, a step made
    for number in range(1, max(1, round(length * share)) + 1):
        when = start + timedelta(seconds=seconds * number)
        if kind is Kind.ebook:
            yield when, EbookBeat(sent_at=when, page=number, pages_read=[number], read_aloud=True)
        else:
            yield when, DiyBeat(sent_at=when, steps_done=[number])


async def _play(
    session: AsyncSession,
    runtime: Runtime,
    profile_id: uuid.UUID,
    items: dict[tuple[Kind, str], uuid.UUID],
    play: Play,
    now: datetime,
) -> None:
    day = (now - timedelta(days=play.days_ago)).date()
    start = datetime.combine(day, time(play.hour), now.tzinfo)
    if start > now - timedelta(minutes=30):
        start = now - timedelta(minutes=30)
    item_id = items[(play.kind, play.title)]
    conn = await session_driver(session)
    facts = await _length(session, play.kind, item_id)
    finished = start
    for when, beat in _beats(play.kind, facts, play.share, start):
        await progress_service.record(
            conn, profile_id, play.kind, item_id, beat, when, runtime.settings.streak_minutes
        )
        finished = when
    if play.quiz:
        await _quiz(session, runtime, profile_id, play.quiz, finished + timedelta(minutes=1))


async def _length(session: AsyncSession, kind: Kind, item_id: uuid.UUID) -> int:
    """A video's milliseconds, an eBook's pages, a DIY's steps (what progress counts in)."""
    facts = await lookups.item_facts(await session_driver(session), kind, item_id)
    return facts.units or 0 if facts else 0


async def _quiz(
    session: AsyncSession, runtime: Runtime, profile_id: uuid.UUID, title: str, when: datetime
) -> None:
    quiz_id = await queries.quiz_by_title(session, title)
    if quiz_id is None:
        return
    attempt, _ = await attempts.start(runtime.media_links, session, profile_id, quiz_id, when)
    conn = await session_driver(session)
    for number, question in enumerate(attempt.questions):
        when += timedelta(seconds=20)
        choices = [choice.id for choice in question.choices]
        if question.type.value == "ordering":
            body = AnswerIn(order=choices)
        elif question.type.value == "multiple_choice":
            body = AnswerIn(choice_ids=choices[:2])
        else:
            # Mostly the first choice the explorer sees: some right, some not, like a child.
            body = AnswerIn(choice_ids=[choices[number % len(choices)]])
        await attempts.answer(conn, profile_id, attempt.id, question.id, body, when)
    await attempts.submit(session, profile_id, attempt.id, when + timedelta(seconds=10))
