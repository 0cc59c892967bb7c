"""Scoring and the adaptive level as pure functions: no database, no app, no clock."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from app.core.errors import UnprocessableEntity
from app.quizzes import adaptive, scoring
from app.quizzes.schemas import AnswerIn, Difficulty

EASY, MEDIUM, HARD = Difficulty.easy, Difficulty.medium, Difficulty.hard
A, B, C = (uuid.UUID(int=i) for i in (1, 2, 3))


def test_the_right_answer_is_the_marked_choices_or_the_whole_order() -> None:
    assert scoring.right_answer("single_choice", [A, B, C], [False, True, False]) == [B]
    assert scoring.right_answer("multiple_choice", [A, B, C], [True, False, True]) == [A, C]
    # Ordering: every item is marked correct; the stored order is the answer.
    assert scoring.right_answer("ordering", [C, A, B], [True, True, True]) == [C, A, B]


def test_ordering_is_all_or_nothing_and_multiple_choice_the_exact_set() -> None:
    assert scoring.grade("ordering", [A, B, C], [A, B, C], False, 3) == (True, Decimal(3))
    assert scoring.grade("ordering", [A, B, C], [A, C, B], False, 3) == (False, Decimal(0))
    assert scoring.grade("multiple_choice", [A, B], [B, A], False, 2) == (True, Decimal(2))
    assert scoring.grade("multiple_choice", [A, B], [A], False, 2) == (False, Decimal(0))
    assert scoring.grade("multiple_choice", [A, B], [A, B, C], False, 2) == (False, Decimal(0))
    assert scoring.same_answer("multiple_choice", [A, B], [B, A])
    assert not scoring.same_answer("ordering", [A, B], [B, A])


def test_a_hint_halves_a_right_answer_and_a_wrong_one_stays_nothing() -> None:
    assert scoring.grade("single_choice", [A], [A], True, 3) == (True, Decimal("1.5"))
    assert scoring.grade("single_choice", [A], [B], True, 3) == (False, Decimal(0))


def test_a_hint_counts_only_on_a_question_that_has_one() -> None:
    assert scoring.hint_counts(asked=True, has_hint=True)
    assert not scoring.hint_counts(asked=True, has_hint=False)
    assert not scoring.hint_counts(asked=False, has_hint=True)
    # Asked on a question without a hint: the full points.
    no_hint = scoring.hint_counts(asked=True, has_hint=False)
    assert scoring.grade("true_false", [A], [A], no_hint, 1) == (True, Decimal(1))
    # Two of three right, one with a hint that did not exist: 67%, a pass at 60.
    assert scoring.total(Decimal(2), 3, 60).passed


@pytest.mark.parametrize(
    ("earned", "max_score", "pass_mark", "percent", "passed", "stars"),
    [
        (Decimal(2), 3, 60, 67, True, 2),  # 66.67 rounds to 67
        (Decimal("1.5"), 3, 60, 50, False, 1),
        (Decimal(7), 10, 70, 70, True, 2),  # exactly the pass mark passes
        (Decimal("6.9"), 10, 70, 69, False, 1),
        (Decimal(9), 10, 70, 90, True, 3),  # 90% is three stars
        (Decimal(0), 0, 0, 0, True, 2),  # nothing to score
    ],
)
def test_an_attempts_percent_pass_and_stars(
    earned: Decimal, max_score: int, pass_mark: int, percent: int, passed: bool, stars: int
) -> None:
    result = scoring.total(earned, max_score, pass_mark)
    assert (result.percent, result.passed, result.stars) == (percent, passed, stars)
    assert (result.score, result.max_score) == (earned, max_score)


def test_an_answer_that_does_not_fit_its_question_is_a_422() -> None:
    def check(qtype: str, **answer: object) -> list[uuid.UUID]:
        return scoring.checked_answer(qtype, [A, B, C], AnswerIn.model_validate(answer))

    assert check("ordering", order=[C, A, B]) == [C, A, B]
    assert check("multiple_choice", choice_ids=[A, C]) == [A, C]
    for qtype, answer in [
        ("ordering", {"order": [A, B]}),
        ("ordering", {"choice_ids": [A]}),
        ("single_choice", {"choice_ids": [A, B]}),
        ("single_choice", {"order": [A, B, C]}),
        ("multiple_choice", {"choice_ids": []}),
        ("multiple_choice", {"choice_ids": [A, A]}),
        ("true_false", {"choice_ids": [uuid.UUID(int=9)]}),
    ]:
        with pytest.raises(UnprocessableEntity) as refused:
            check(qtype, **answer)
        assert refused.value.errors is not None
        assert refused.value.errors[0].type == "invalid_answer"


def test_the_level_goes_up_after_a_pass_and_down_after_two_fails() -> None:
    assert adaptive.suggest_level(MEDIUM, []) == (MEDIUM, "start")
    assert adaptive.suggest_level(EASY, [(EASY, True)]) == (MEDIUM, "up")
    assert adaptive.suggest_level(HARD, [(HARD, True)]) == (HARD, "again")  # the top
    assert adaptive.suggest_level(HARD, [(HARD, False)]) == (HARD, "again")
    assert adaptive.suggest_level(HARD, [(HARD, False), (HARD, False)]) == (MEDIUM, "down")
    assert adaptive.suggest_level(EASY, [(EASY, False), (EASY, False)]) == (EASY, "again")
    # A pass in between starts the count again.
    history = [(MEDIUM, False), (MEDIUM, True), (HARD, False)]
    assert adaptive.suggest_level(MEDIUM, history) == (HARD, "again")


Q_EASY, Q_EASY_2, Q_MEDIUM, Q_HARD = (uuid.UUID(int=i) for i in (10, 11, 20, 30))


def _offer(
    level: Difficulty,
    reason: str,
    quizzes: list[tuple[uuid.UUID, Difficulty]],
    mastered: set[uuid.UUID],
) -> tuple[uuid.UUID, Difficulty, str] | None:
    offer = adaptive.pick_next(level, reason, quizzes, mastered)
    return (offer.quiz_id, offer.difficulty, offer.reason) if offer else None


def test_after_a_step_up_a_quiz_not_mastered_at_that_level_or_harder_comes_first() -> None:
    easy_and_hard = [(Q_EASY, EASY), (Q_HARD, HARD)]
    # Up to medium, where there is no quiz: the hard one, never the easy one mastered.
    assert _offer(MEDIUM, "up", easy_and_hard, {Q_EASY}) == (Q_HARD, HARD, "up")
    every = [(Q_EASY, EASY), (Q_MEDIUM, MEDIUM), (Q_HARD, HARD)]
    assert _offer(MEDIUM, "up", every, {Q_EASY}) == (Q_MEDIUM, MEDIUM, "up")
    # Medium mastered already: on to hard.
    assert _offer(MEDIUM, "up", every, {Q_EASY, Q_MEDIUM}) == (Q_HARD, HARD, "up")
    # Nothing left to master at medium or harder: an easier quiz not mastered beats practice.
    two_easy = [(Q_EASY, EASY), (Q_EASY_2, EASY), (Q_MEDIUM, MEDIUM)]
    assert _offer(MEDIUM, "up", two_easy, {Q_EASY, Q_MEDIUM}) == (Q_EASY_2, EASY, "up")


def test_after_a_step_down_an_easier_quiz_not_mastered_comes_first() -> None:
    every = [(Q_EASY, EASY), (Q_MEDIUM, MEDIUM), (Q_HARD, HARD)]
    # Down from hard to medium, mastered: the easy one, not mastered yet.
    assert _offer(MEDIUM, "down", every, {Q_MEDIUM}) == (Q_EASY, EASY, "down")
    assert _offer(MEDIUM, "down", every, set()) == (Q_MEDIUM, MEDIUM, "down")
    # Medium and easy mastered: practise medium, never the hard one just failed twice.
    assert _offer(MEDIUM, "down", every, {Q_EASY, Q_MEDIUM}) == (Q_MEDIUM, MEDIUM, "down")


def test_when_every_quiz_is_mastered_the_nearest_one_is_practised() -> None:
    every = [(Q_EASY, EASY), (Q_MEDIUM, MEDIUM), (Q_HARD, HARD)]
    all_of_them = {Q_EASY, Q_MEDIUM, Q_HARD}
    assert _offer(HARD, "again", every, all_of_them) == (Q_HARD, HARD, "all_mastered")
    # After a step up the level beyond comes before the one below.
    easy_and_hard = [(Q_EASY, EASY), (Q_HARD, HARD)]
    assert _offer(MEDIUM, "up", easy_and_hard, {Q_EASY, Q_HARD}) == (Q_HARD, HARD, "all_mastered")
    assert _offer(MEDIUM, "start", [], set()) is None


def test_at_the_start_or_again_the_level_itself_then_the_nearest() -> None:
    assert _offer(MEDIUM, "start", [(Q_EASY, EASY), (Q_HARD, HARD)], set()) == (
        Q_EASY,
        EASY,
        "start",
    )
    every = [(Q_EASY, EASY), (Q_MEDIUM, MEDIUM), (Q_HARD, HARD)]
    assert _offer(HARD, "again", every, set()) == (Q_HARD, HARD, "again")
    # Passed at the top (again): a quiz not mastered below beats practising the hard one.
    assert _offer(HARD, "again", every, {Q_HARD}) == (Q_MEDIUM, MEDIUM, "again")
