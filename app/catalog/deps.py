"""What a public catalogue read takes, in one dependency: the optional caller (a token that
is sent must be good: 401 otherwise), the request's unit of work (its connection is taken only
if the answer is not cached) and how answers are cached. One dependency rather than three:
on the hottest reads each dependency FastAPI solves measured as a share of the request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from app.auth.deps import Caller, get_optional_caller
from app.core.contract import reads_caller
from app.core.db import Work, work_of
from app.core.http_cache import PublicAnswers


@dataclass(frozen=True, slots=True)
class PublicRead:
    caller: Caller | None
    work: Work
    answers: PublicAnswers


@reads_caller(required=False)
async def public_read(request: Request) -> PublicRead:
    answers: PublicAnswers = request.app.state.runtime.public_answers
    return PublicRead(await get_optional_caller(request), work_of(request), answers)


PublicReadDep = Annotated[PublicRead, Depends(public_read)]
