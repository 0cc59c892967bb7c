"""The quiz answer the front answers before routing (app/profiles/front.py), running what its
route in router.py runs, in one transaction (the attempt's row is locked until it ends)."""

from __future__ import annotations

from pydantic import BaseModel

from app.profiles.front import FrontCall, FrontRoute
from app.progress.clock import clock_of
from app.quizzes import service as quizzes_service
from app.quizzes.schemas import AnswerBody


async def _answer(call: FrontCall) -> BaseModel:
    now = (await clock_of(call.app))()
    body: AnswerBody = call.body
    return await quizzes_service.answer(
        call.conn,
        call.profile_id,
        call.params["attempt_id"],
        call.params["question_id"],
        body.answer(),
        now,
    )


FRONT = (
    FrontRoute(
        "PUT",
        "/attempts/{attempt_id}/answers/{question_id}",
        _answer,
        body=AnswerBody,
        transaction=True,
    ),
)
