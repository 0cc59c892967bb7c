"""The quizzes module as other modules see it (`from app.quizzes import service as
quizzes_service`): the reads and hooks they use, whatever file of the module holds them.

Inside the module, by sub-domain:
- reading.py    published quizzes as explorers read them, content pages' summaries
- attempts.py   start or resume, answer (the hot write), submit, close the ones left open
- scoring.py    pure: whether an answer fits, is right, what it earns; an attempt's score
- adaptive.py   pure: the level that fits next, and the quiz to offer there
- results.py    an explorer's results, the next quiz, the counts screens show
- authoring.py  editors: create, bulk, read with ETag, update with If-Match, publish, reorder
- analytics.py  editors: per-question statistics, small counts hidden
- reports.py    other modules' reports (classrooms): standings per explorer and quiz
- export.py     data rights
- queries.py    every statement
"""

from __future__ import annotations

from app.quizzes.attempts import ATTEMPT_TTL, answer, close_stale_attempts
from app.quizzes.authoring import create, set_status
from app.quizzes.export import export_quizzes
from app.quizzes.queries import quiz_assets
from app.quizzes.reading import get_quiz, list_quizzes, summaries_for
from app.quizzes.results import counts_for, next_quiz, results

# create and set_status: the demo seed makes its quizzes the editor's way.
__all__ = [
    "ATTEMPT_TTL",
    "answer",
    "close_stale_attempts",
    "counts_for",
    "create",
    "export_quizzes",
    "get_quiz",
    "list_quizzes",
    "next_quiz",
    "quiz_assets",
    "results",
    "set_status",
    "summaries_for",
]
