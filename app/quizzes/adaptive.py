"""The adaptive next quiz, as pure functions: the level that fits an explorer after their
history on one piece of content, and the quiz to offer at or around it.

Rules (README, "Quizzes"): start at the age band's level, one up after a pass, one down after
FAILS_TO_STEP_DOWN failed attempts at a level. A quiz already mastered is offered only when no
quiz left to master waits at the level moved to or beyond it in the direction of the move
(after a step up: that level or harder; after a step down: that level or easier); after a step
down the harder quizzes just failed are not offered as new ones.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from app.quizzes.schemas import Difficulty

LEVELS = [Difficulty.easy, Difficulty.medium, Difficulty.hard]
# Where an explorer starts, by age band.
START_LEVEL = {"3-5": Difficulty.easy, "6-8": Difficulty.medium, "9-12": Difficulty.hard}
FAILS_TO_STEP_DOWN = 2


def suggest_level(
    start_level: Difficulty, history: Iterable[tuple[Difficulty, bool]]
) -> tuple[Difficulty, str]:
    """The level to take next and why (start, up, down, again): start at `start_level`, one
    up after a pass, one down after FAILS_TO_STEP_DOWN failed attempts at a level (counted
    since its last pass). `history`: (level, passed) of each finished attempt, oldest first."""
    level, reason = start_level, "start"
    fails: dict[Difficulty, int] = defaultdict(int)
    for at_level, passed in history:
        index = LEVELS.index(at_level)
        if passed:
            fails[at_level] = 0
            level = LEVELS[min(index + 1, len(LEVELS) - 1)]
            reason = "up" if level != at_level else "again"
        else:
            fails[at_level] += 1
            if fails[at_level] >= FAILS_TO_STEP_DOWN:
                fails[at_level] = 0
                level = LEVELS[max(index - 1, 0)]
                reason = "down" if level != at_level else "again"
            else:
                level, reason = at_level, "again"
    return level, reason


def onward(level: Difficulty, reason: str) -> list[Difficulty]:
    """The level moved to, then those beyond it in the direction of the move, nearest first."""
    index = LEVELS.index(level)
    if reason == "up":
        return LEVELS[index:]
    if reason == "down":
        return LEVELS[: index + 1][::-1]
    return [level]


def preference(level: Difficulty, reason: str) -> list[Difficulty]:
    """Every level, in the order a quiz is looked for: `onward`, then the others nearest
    first (the easier on a tie)."""
    index = LEVELS.index(level)
    first = onward(level, reason)
    nearest = sorted(LEVELS, key=lambda lv: (abs(LEVELS.index(lv) - index), LEVELS.index(lv)))
    return first + [lv for lv in nearest if lv not in first]


@dataclass(frozen=True)
class Offer:
    quiz_id: uuid.UUID
    difficulty: Difficulty
    reason: str


def pick_next(
    level: Difficulty,
    reason: str,
    quizzes: Sequence[tuple[uuid.UUID, Difficulty]],
    mastered: Collection[uuid.UUID],
) -> Offer | None:
    """The quiz to offer among `quizzes` (id, level; in the order to prefer within a level)
    for `suggest_level`'s answer; None when there is no quiz at all.

    A quiz not mastered yet, at the first level of `preference` holding one (after a step down
    only the level moved to and easier: the harder ones are what was just failed). Otherwise
    one to practise, at the first level of `preference` holding any; the reason is then
    `all_mastered` if every quiz is."""
    order = preference(level, reason)
    fresh = [(q, lv) for q, lv in quizzes if q not in mastered]
    looked_at = onward(level, reason) if reason == "down" else order
    for lv in looked_at:
        for quiz_id, at in fresh:
            if at == lv:
                return Offer(quiz_id, lv, reason)
    for lv in order:
        for quiz_id, at in quizzes:
            if at == lv:
                return Offer(quiz_id, lv, reason if fresh else "all_mastered")
    return None
