"""Scoring, as pure functions (no database, no clock): whether an answer fits its question,
whether it is right and what it earns, and an attempt's score, pass and stars.

Rules (README, "Quizzes"): ordering is all or nothing; multiple choice needs the exact set;
a hint halves the question's points, but only a hint that exists: `hint_used` on a question
without one costs nothing (there was nothing to see).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from app.core.errors import UnprocessableEntity
from app.quizzes.problems import field_error, invalid
from app.quizzes.schemas import AnswerIn, QuestionType

THREE_STARS_PERCENT = 90
ORDERING = QuestionType.ordering.value


def right_answer(
    qtype: str, choice_ids: Sequence[uuid.UUID], correct_flags: Sequence[bool]
) -> list[uuid.UUID]:
    """Ordering: every item in its stored order. Otherwise the choices marked correct."""
    if qtype == ORDERING:
        return list(choice_ids)
    return [c for c, correct in zip(choice_ids, correct_flags, strict=True) if correct]


def hint_counts(asked: bool, has_hint: bool) -> bool:
    """Whether a hint the explorer asked for counts: only when the question has one."""
    return asked and has_hint


def grade(
    qtype: str,
    right: Sequence[uuid.UUID],
    given: Sequence[uuid.UUID],
    hint_used: bool,
    points: int,
) -> tuple[bool, Decimal]:
    """Right or not, and the points earned. `hint_used` is a hint that counts
    (`hint_counts`): it halves the points."""
    correct = list(given) == list(right) if qtype == ORDERING else set(given) == set(right)
    if not correct:
        return False, Decimal(0)
    return True, Decimal(points) / 2 if hint_used else Decimal(points)


def same_answer(qtype: str, a: Sequence[uuid.UUID], b: Sequence[uuid.UUID]) -> bool:
    return list(a) == list(b) if qtype == ORDERING else set(a) == set(b)


def stars_for(percent: int, passed: bool) -> int:
    if passed and percent >= THREE_STARS_PERCENT:
        return 3
    return 2 if passed else 1


@dataclass(frozen=True)
class Score:
    score: Decimal
    max_score: int
    percent: int
    passed: bool
    stars: int


def total(score: Decimal, max_score: int, pass_mark: int) -> Score:
    """An attempt's result from the points earned and the points of the questions shown.
    The percent is rounded to the nearest whole (half to even): 2 of 3 is 67."""
    percent = int((score * 100 / max_score).to_integral_value()) if max_score else 0
    passed = percent >= pass_mark
    return Score(score, max_score, percent, passed, stars_for(percent, passed))


def _answer_error(msg: str, field: str) -> UnprocessableEntity:
    return invalid([field_error(["body", field], msg, "invalid_answer")])


def checked_answer(qtype: str, choice_ids: Sequence[uuid.UUID], body: AnswerIn) -> list[uuid.UUID]:
    """The answer as stored: the picked choices, or the whole order of an ordering
    question. Anything that is not an answer to this question is a 422."""
    known = set(choice_ids)
    if qtype == ORDERING:
        if body.order is None:
            raise _answer_error("An ordering question is answered with `order`.", "order")
        if len(body.order) != len(known) or set(body.order) != known:
            raise _answer_error("`order` must hold every item of the question once.", "order")
        return list(body.order)
    if body.choice_ids is None:
        raise _answer_error("This question is answered with `choice_ids`.", "choice_ids")
    picked = list(body.choice_ids)
    if len(set(picked)) != len(picked):
        raise _answer_error("A choice is picked at most once.", "choice_ids")
    if not set(picked) <= known:
        raise _answer_error("Some of these choices are not this question's.", "choice_ids")
    if qtype == QuestionType.multiple_choice.value:
        if not picked:
            raise _answer_error("Pick at least one choice.", "choice_ids")
    elif len(picked) != 1:
        raise _answer_error("Pick exactly one choice.", "choice_ids")
    return picked
