"""Quizzes as explorers read them: published quizzes with their questions and choices, never
which choice is right; the short list a content page shows; signed URLs for their pictures
and sounds."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import NotFound
from app.core.pagination import decode_cursor, encode_cursor, parse_datetime
from app.media.links import MediaLinks
from app.quizzes import queries
from app.quizzes.queries import Row
from app.quizzes.schemas import (
    ChoiceOut,
    ContentKind,
    Difficulty,
    QuestionOut,
    QuestionType,
    QuizOut,
    QuizPage,
    QuizSummary,
)


@dataclass
class Loaded:
    """Quizzes with their questions and choices, in position order, and signed URLs."""

    questions: dict[uuid.UUID, list[Row]]
    choices: dict[uuid.UUID, list[Row]]
    urls: dict[uuid.UUID, str | None]

    def url(self, asset_id: uuid.UUID | None) -> str | None:
        return self.urls.get(asset_id) if asset_id else None


async def load(
    links: MediaLinks | None, session: AsyncSession, quiz_ids: Sequence[uuid.UUID]
) -> Loaded:
    """The quizzes' questions and choices; with `links`, the URLs of their assets too."""
    questions: dict[uuid.UUID, list[Row]] = defaultdict(list)
    choices: dict[uuid.UUID, list[Row]] = defaultdict(list)
    question_rows = await queries.questions_of(session, quiz_ids)
    for row in question_rows:
        questions[row["quiz_id"]].append(row)
    for row in await queries.choices_of(session, [r["id"] for r in question_rows]):
        choices[row["question_id"]].append(row)
    urls: dict[uuid.UUID, str | None] = {}
    if links is not None:
        ids = [
            a
            for r in question_rows
            for a in (r["image_asset_id"], r["narration_asset_id"])
            if a is not None
        ]
        ids += [c["image_asset_id"] for cs in choices.values() for c in cs if c["image_asset_id"]]
        # Short-lived signed URLs, as every module signs them.
        urls = await links.urls(session, ids)
    return Loaded(questions, choices, urls)


def question_out(loaded: Loaded, row: Row, order: Sequence[uuid.UUID] | None = None) -> QuestionOut:
    """A question as an explorer sees it; `order`: its choices in an attempt's order."""
    choices = loaded.choices.get(row["id"], [])
    if order is not None:
        by_id = {c["id"]: c for c in choices}
        choices = [by_id[i] for i in order if i in by_id]
    elif row["type"] == QuestionType.ordering.value:
        # Never in the right order's positions: mixed up by id (random, and stable).
        choices = sorted(choices, key=lambda c: c["id"].hex)
    return QuestionOut(
        id=row["id"],
        type=QuestionType(row["type"]),
        prompt=row["prompt"],
        image_url=loaded.url(row["image_asset_id"]),
        narration_url=loaded.url(row["narration_asset_id"]),
        hint=row["hint"] or None,
        points=row["points"],
        choices=[
            ChoiceOut(id=c["id"], text=c["text"], image_url=loaded.url(c["image_asset_id"]))
            for c in choices
        ],
    )


def quiz_out(loaded: Loaded, row: Row) -> QuizOut:
    return QuizOut(
        id=row["id"],
        content_kind=ContentKind(row["content_kind"]),
        content_id=row["content_id"],
        title=row["title"],
        difficulty=Difficulty(row["difficulty"]),
        pass_mark=row["pass_mark"],
        feedback_mode=row["feedback_mode"],
        time_suggestion_seconds=row["time_suggestion_seconds"],
        question_count=row["question_count"],
        questions=[question_out(loaded, q) for q in loaded.questions.get(row["id"], [])],
    )


def summary(row: Row) -> QuizSummary:
    return QuizSummary(
        id=row["id"],
        title=row["title"],
        difficulty=Difficulty(row["difficulty"]),
        question_count=row["question_count"],
    )


async def visible_row(session: AsyncSession, quiz_id: uuid.UUID) -> Row:
    row = await queries.visible_quiz(session, quiz_id)
    if row is None:
        raise NotFound("No such quiz.")
    return row


async def list_quizzes(
    links: MediaLinks,
    session: AsyncSession,
    content_kind: ContentKind | None,
    content_id: uuid.UUID | None,
    difficulty: Difficulty | None,
    limit: int,
    cursor: str | None,
) -> QuizPage:
    after = decode_cursor(cursor, parse_datetime, uuid.UUID) if cursor else None
    rows = await queries.visible_quizzes(
        session,
        content_id,
        content_kind.value if content_kind else None,
        difficulty.value if difficulty else None,
        (after[0], after[1]) if after else None,
        limit + 1,
    )
    shown = rows[:limit]
    loaded = await load(links, session, [r["id"] for r in shown])
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor([shown[-1]["created_at"], shown[-1]["id"]])
    return QuizPage(items=[quiz_out(loaded, r) for r in shown], next_cursor=next_cursor)


async def get_quiz(links: MediaLinks, session: AsyncSession, quiz_id: uuid.UUID) -> QuizOut:
    row = await visible_row(session, quiz_id)
    return quiz_out(await load(links, session, [quiz_id]), row)


async def summaries_for(
    session: AsyncSession, content_kind: str, content_id: uuid.UUID
) -> list[QuizSummary]:
    """The published quizzes of one video, eBook or DIY, easiest first (for its page)."""
    return [summary(r) for r in await queries.summaries_for(session, content_kind, content_id)]
