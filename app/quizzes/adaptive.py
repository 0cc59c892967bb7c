"""The adaptive next quiz, as pure functions: the level that fits an explorer after their
history on one piece of content, and the quiz to offer at or around it.

Rules (README, "Quizzes"): start at the age band's level, one up after a pass, one down after
FAILS_TO_STEP_DOWN failed attempts at a level.
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

    The nearest level that has a quiz, the suggested one first, then easier, then harder; at
    that level a quiz not mastered yet, else one to practise again."""
    index = LEVELS.index(level)
    nearest = sorted(LEVELS, key=lambda lv: (abs(LEVELS.index(lv) - index), LEVELS.index(lv)))
    fresh = [q for q, _ in quizzes if q not in mastered]
    for lv in nearest:
        at = [q for q, at in quizzes if at == lv]
        if at:
            chosen = next((q for q in at if q not in mastered), at[0])
            return Offer(chosen, lv, reason if fresh else "all_mastered")
    return None
