"""Authoring for editors: create (one or in bulk, all or nothing), read with the answers and
an ETag, update (If-Match), publish, unpublish, archive, reorder questions, delete.

Rules (README, "Quizzes"): every rule pydantic cannot hold is checked here (`check`); a
quiz published or scheduled has every attached asset ready; an edit names the version it
changes (its ETag), so a stale editor cannot silently undo another's; a quiz explorers took
is archived rather than deleted.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog.params import CATALOG_TAG
from app.core.cache import invalidate_after_commit
from app.core.errors import FieldError, NotFound
from app.core.http_cache import PreconditionFailed, etag_of, if_match
from app.core.pagination import decode_cursor, encode_cursor, parse_datetime
from app.media import service as media_service
from app.quizzes import queries, reading
from app.quizzes.models import Quiz, QuizChoice, QuizQuestion
from app.quizzes.problems import field_error, invalid
from app.quizzes.schemas import (
    AdminQuestion,
    AdminQuiz,
    AdminQuizItem,
    AdminQuizPage,
    ContentKind,
    Deleted,
    Difficulty,
    QuestionIn,
    QuestionType,
    QuizIn,
    QuizPatch,
    QuizStatus,
)

ONE_CORRECT = {QuestionType.single_choice, QuestionType.picture_choice, QuestionType.true_false}


def _changed(session: AsyncSession) -> None:
    # Content pages list their quizzes and are cached: drop them once this commits.
    invalidate_after_commit(session, CATALOG_TAG)


# --- checks --------------------------------------------------------------------------------


def question_errors(question: QuestionIn, loc: list[str | int]) -> list[FieldError]:
    """The choices each question type needs (no database)."""
    errors: list[FieldError] = []
    here = [*loc, "choices"]
    n_correct = sum(c.correct for c in question.choices)
    t = question.type
    if t is QuestionType.true_false and len(question.choices) != 2:
        errors.append(
            field_error(here, "A true/false question has exactly two choices.", "choice_count")
        )
    elif t is QuestionType.ordering and len(question.choices) < 2:
        errors.append(
            field_error(here, "An ordering question has at least two items.", "choice_count")
        )
    elif (
        t in (QuestionType.single_choice, QuestionType.multiple_choice, QuestionType.picture_choice)
        and len(question.choices) < 2
    ):
        errors.append(field_error(here, "A question needs at least two choices.", "choice_count"))
    if t in ONE_CORRECT and n_correct != 1:
        errors.append(field_error(here, "Exactly one choice must be correct.", "correct_count"))
    if t is QuestionType.multiple_choice and n_correct < 1:
        errors.append(field_error(here, "At least one choice must be correct.", "correct_count"))
    for index, choice in enumerate(question.choices):
        if t is QuestionType.picture_choice and choice.image_asset_id is None:
            errors.append(
                field_error(
                    [*here, index, "image_asset_id"],
                    "A picture choice needs an image.",
                    "missing_image",
                )
            )
        elif not choice.text and choice.image_asset_id is None:
            errors.append(
                field_error(
                    [*here, index, "text"], "A choice needs text or an image.", "empty_choice"
                )
            )
    return errors


def assets_of(body: QuizIn | QuizPatch) -> list[tuple[list[str | int], uuid.UUID, str]]:
    """(location, asset, kind it must be) of every asset the quiz attaches."""
    found: list[tuple[list[str | int], uuid.UUID, str]] = []
    for qi, question in enumerate(body.questions or []):
        at: list[str | int] = ["questions", qi]
        if question.image_asset_id:
            found.append(([*at, "image_asset_id"], question.image_asset_id, "image"))
        if question.narration_asset_id:
            found.append(([*at, "narration_asset_id"], question.narration_asset_id, "audio"))
        for ci, choice in enumerate(question.choices):
            if choice.image_asset_id:
                found.append(
                    ([*at, "choices", ci, "image_asset_id"], choice.image_asset_id, "image")
                )
    return found


async def check(
    session: AsyncSession, body: QuizIn | QuizPatch, prefix: list[str | int]
) -> list[FieldError]:
    """Every rule pydantic cannot hold: the content exists, each question type's choices,
    the assets exist, are of the right kind, and a picture choice's image is ready."""
    errors: list[FieldError] = []
    if isinstance(body, QuizIn) and not await queries.content_exists(
        session, body.content_kind.value, body.content_id
    ):
        errors.append(
            field_error(
                [*prefix, "content_id"], f"No such {body.content_kind.value}.", "unknown_content"
            )
        )
    for index, question in enumerate(body.questions or []):
        errors += question_errors(question, [*prefix, "questions", index])
    attached = assets_of(body)
    assets = await media_service.existing(session, [a for _, a, _ in attached])
    picture_choices = {
        (qi, ci)
        for qi, q in enumerate(body.questions or [])
        if q.type is QuestionType.picture_choice
        for ci in range(len(q.choices))
    }
    for loc, asset_id, kind in attached:
        asset = assets.get(asset_id)
        where = [*prefix, *loc]
        if asset is None:
            errors.append(field_error(where, f"No media asset {asset_id}.", "unknown_asset"))
        elif asset.kind != kind:
            errors.append(
                field_error(where, f"This asset is {asset.kind}, not {kind}.", "wrong_asset_kind")
            )
        elif len(loc) == 5 and (loc[1], loc[3]) in picture_choices and asset.status != "ready":
            errors.append(field_error(where, "This image is not ready yet.", "asset_not_ready"))
    return errors


def _question_input(q: AdminQuestion) -> dict[str, Any]:
    return {
        "id": q.id,
        "type": q.type,
        "prompt": q.prompt,
        "image_asset_id": q.image_asset_id,
        "narration_asset_id": q.narration_asset_id,
        "hint": q.hint,
        "explanation": q.explanation,
        "points": q.points,
        "choices": [
            {
                "id": c.id,
                "text": c.text,
                "image_asset_id": c.image_asset_id,
                "correct": c.correct,
                "feedback": c.feedback,
            }
            for c in q.choices
        ],
    }


async def _require_ready(session: AsyncSession, quiz_id: uuid.UUID) -> None:
    """Publishing: every attached asset is ready (a 422 naming each one that is not)."""
    detail = await admin_detail(session, quiz_id)
    body = QuizPatch.model_validate({"questions": [_question_input(q) for q in detail.questions]})
    attached = assets_of(body)
    assets = await media_service.existing(session, [a for _, a, _ in attached])
    errors = [
        field_error(["body", *loc], f"Media asset {asset_id} is not ready.", "asset_not_ready")
        for loc, asset_id, _ in attached
        if assets.get(asset_id) is None or assets[asset_id].status != "ready"
    ]
    if errors:
        raise invalid(errors, "Every picture and sound of a quiz must be ready to publish it.")


# --- writes --------------------------------------------------------------------------------


async def _write_questions(
    session: AsyncSession,
    quiz_id: uuid.UUID,
    questions: list[QuestionIn],
    new_ids: list[uuid.UUID] | None = None,
) -> None:
    """Makes the quiz's questions exactly `questions`: those sent with an id of this quiz
    are updated in place (their answers and statistics stay), the rest are new; questions and
    choices left out are deleted."""
    existing = {q.id: q for q in await queries.questions_for_edit(session, quiz_id)}
    existing_choices = {c.id: c for c in await queries.choices_for_edit(session, list(existing))}
    kept_questions = {q.id for q in questions if q.id in existing}
    kept_choices = {
        c.id
        for q in questions
        if q.id in existing
        for c in q.choices
        if c.id in existing_choices and existing_choices[c.id].question_id == q.id
    }
    for choice_id, old in existing_choices.items():
        if choice_id not in kept_choices:
            await session.delete(old)
    for question_id, question in existing.items():
        if question_id not in kept_questions:
            await session.delete(question)
    await session.flush()
    for position, q in enumerate(questions):
        data = q.model_dump(exclude={"id", "choices"})
        data["type"] = q.type.value
        row = existing.get(q.id) if q.id in kept_questions else None
        if row is None:
            row = QuizQuestion(quiz_id=quiz_id, position=position, **data)
            if new_ids is not None:
                row.id = new_ids[position]
            session.add(row)
        else:
            for field, value in data.items():
                setattr(row, field, value)
            row.position = position
        await session.flush()
        for c_position, c in enumerate(q.choices):
            values = c.model_dump(exclude={"id"})
            if q.type is QuestionType.ordering:
                values["correct"] = True  # every item belongs; the order is the answer
            choice: QuizChoice | None = existing_choices.get(c.id) if c.id in kept_choices else None
            if choice is None:
                session.add(QuizChoice(question_id=row.id, position=c_position, **values))
            else:
                for field, value in values.items():
                    setattr(choice, field, value)
                choice.position = c_position
    await session.flush()


def _content_columns(kind: ContentKind, content_id: uuid.UUID) -> dict[str, Any]:
    return {"content_kind": kind.value, f"{kind.value}_id": content_id}


async def create(
    session: AsyncSession,
    body: QuizIn,
    prefix: list[str | int] | None = None,
    *,
    quiz_id: uuid.UUID | None = None,
    question_ids: list[uuid.UUID] | None = None,
) -> uuid.UUID:
    """A new quiz as a draft; `quiz_id` and `question_ids` (one per question) give it chosen
    ids (the demo's stable ids), else new ones."""
    errors = await check(session, body, ["body", *(prefix or [])])
    if errors:
        raise invalid(errors)
    quiz = Quiz(
        **_content_columns(body.content_kind, body.content_id),
        title=body.title,
        difficulty=body.difficulty.value,
        pass_mark=body.pass_mark,
        feedback_mode=body.feedback_mode.value,
        shuffle_questions=body.shuffle_questions,
        shuffle_choices=body.shuffle_choices,
        time_suggestion_seconds=body.time_suggestion_seconds,
    )
    if quiz_id is not None:
        quiz.id = quiz_id
    session.add(quiz)
    await session.flush()
    await _write_questions(session, quiz.id, body.questions, question_ids)
    _changed(session)
    return quiz.id


async def bulk_create(session: AsyncSession, bodies: list[QuizIn]) -> list[uuid.UUID]:
    """All or nothing: every quiz is checked first, and the errors of all of them reported."""
    errors: list[FieldError] = []
    for index, body in enumerate(bodies):
        errors += await check(session, body, ["body", "items", index])
    if errors:
        raise invalid(errors, f"{len(errors)} problem(s); nothing was created.")
    return [await create(session, body) for body in bodies]


async def _locked(session: AsyncSession, quiz_id: uuid.UUID) -> Quiz:
    quiz = await session.get(Quiz, quiz_id, with_for_update=True, populate_existing=True)
    if quiz is None:
        raise NotFound("No such quiz.")
    return quiz


def version(detail: AdminQuiz) -> str:
    """The quiz's ETag: a hash of all an editor reads (questions, choices and which are
    right included), so any change by anyone gives another. Built as the catalogue's items'."""
    return etag_of(type(detail).__pydantic_serializer__.to_json(detail))


async def update(session: AsyncSession, quiz_id: uuid.UUID, body: QuizPatch, based_on: str) -> None:
    """`based_on` is the edit's If-Match: the ETag of the version the editor changed. The quiz
    is locked first, so the check and the write see the same version: a second edit of the
    same version waits, then finds it gone (412) instead of undoing the first one."""
    quiz = await _locked(session, quiz_id)
    current = version(await admin_detail(session, quiz_id))
    if not if_match(based_on, current):
        raise PreconditionFailed(
            "This quiz has changed since you read it: read it again (GET) and redo your edit "
            "on the current version.",
            headers={"ETag": current},
        )
    errors = await check(session, body, ["body"])
    if errors:
        raise invalid(errors)
    for field, value in body.model_dump(exclude_unset=True, exclude={"questions"}).items():
        if value is None and field != "time_suggestion_seconds":
            continue
        setattr(quiz, field, value.value if hasattr(value, "value") else value)
    await session.flush()
    if body.questions is not None:
        await _write_questions(session, quiz.id, body.questions)
    if quiz.status in (QuizStatus.published.value, QuizStatus.scheduled.value):
        await _require_ready(session, quiz.id)
    _changed(session)


async def set_status(session: AsyncSession, quiz_id: uuid.UUID, action: str) -> None:
    """`publish` (every attached asset ready), `unpublish` (back to draft) or `archive`."""
    quiz = await _locked(session, quiz_id)
    if action == "publish":
        await _require_ready(session, quiz.id)
        quiz.status = QuizStatus.published.value
        quiz.published_at = sa.func.clock_timestamp()  # type: ignore[assignment]
    elif action == "unpublish":
        quiz.status, quiz.published_at = QuizStatus.draft.value, None
    else:
        quiz.status = QuizStatus.archived.value
    await session.flush()
    _changed(session)


async def reorder(session: AsyncSession, quiz_id: uuid.UUID, ids: list[uuid.UUID]) -> None:
    await _locked(session, quiz_id)
    current = await queries.question_ids(session, quiz_id)
    if len(ids) != len(set(ids)) or set(ids) != current:
        raise invalid(
            [
                field_error(
                    ["body", "ids"],
                    "List every question of this quiz exactly once.",
                    "not_a_permutation",
                )
            ]
        )
    await queries.set_positions(session, quiz_id, ids)
    _changed(session)


async def delete(session: AsyncSession, quiz_id: uuid.UUID) -> Deleted:
    """Deletes a quiz nobody took; one with attempts is archived, so no explorer's results
    are lost."""
    quiz = await _locked(session, quiz_id)
    _changed(session)
    if await queries.attempt_count(session, quiz_id):
        quiz.status = QuizStatus.archived.value
        await session.flush()
        return Deleted(id=quiz_id, outcome="archived")
    await session.delete(quiz)
    await session.flush()
    return Deleted(id=quiz_id, outcome="deleted")


# --- reads ---------------------------------------------------------------------------------


async def admin_detail(session: AsyncSession, quiz_id: uuid.UUID) -> AdminQuiz:
    row = await queries.quiz_row(session, quiz_id)
    if row is None:
        raise NotFound("No such quiz.")
    loaded = await reading.load(None, session, [quiz_id])
    # Rows by column name straight into the schema (its fields are the columns' names).
    return AdminQuiz.model_validate(
        {
            **dict(row),
            "questions": [
                {**dict(q), "choices": [dict(c) for c in loaded.choices.get(q["id"], [])]}
                for q in loaded.questions.get(quiz_id, [])
            ],
        }
    )


async def admin_list(
    session: AsyncSession,
    content_id: uuid.UUID | None,
    status: QuizStatus | None,
    limit: int,
    cursor: str | None,
) -> AdminQuizPage:
    before = decode_cursor(cursor, parse_datetime, uuid.UUID) if cursor else None
    rows = await queries.admin_list(
        session,
        content_id,
        status.value if status else None,
        (before[0], before[1]) if before else None,
        limit + 1,
    )
    items = [
        AdminQuizItem(
            id=r["id"],
            content_kind=ContentKind(r["content_kind"]),
            content_id=r["content_id"],
            title=r["title"],
            difficulty=Difficulty(r["difficulty"]),
            status=QuizStatus(r["status"]),
            question_count=r["question_count"],
            created_at=r["created_at"],
        )
        for r in rows[:limit]
    ]
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor([items[-1].created_at, items[-1].id])
    return AdminQuizPage(items=items, next_cursor=next_cursor)
