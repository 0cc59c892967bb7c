"""`/admin/stats/...`: dashboards for editors and admins, from the daily rollups."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from app.auth.deps import EditorPrincipal
from app.core.contract import ISO_ONLY
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.examples import response_example
from app.stats import service
from app.stats.examples import CONTENT_STATS, OVERVIEW
from app.stats.schemas import ContentSort, ContentStats, Interval, Overview

router = APIRouter(prefix="/admin/stats", tags=["stats"])

From = Annotated[
    date | None, Query(alias="from", description="First day (UTC); 30 days back"), ISO_ONLY
]
To = Annotated[date | None, Query(description="Last day (UTC), included; default today"), ISO_ONLY]


@router.get(
    "/overview",
    response_model=Overview,
    response_model_by_alias=True,
    responses={**problem_responses(400, 401, 403), **response_example(200, OVERVIEW)},
    summary="Read the overview: sign-ups, active explorers, learning time, starts and quizzes.",
)
async def admin_get_stats_overview(
    principal: EditorPrincipal,
    session: SessionDep,
    from_: From = None,
    to: To = None,
    interval: Interval = Interval.day,
) -> Overview:
    """Answers, for a date range, sign-ups, active explorers (DAU/WAU/MAU), learning time, starts
    and quizzes taken, from the daily rollups.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** the range is bounded (422 beyond it).

    **Retries:** a read; repeating it changes nothing.
    """
    return await service.overview(session, from_, to, interval)


@router.get(
    "/content",
    response_model=ContentStats,
    response_model_by_alias=True,
    responses={**problem_responses(400, 401, 403), **response_example(200, CONTENT_STATS)},
    summary="List the top items by starts, completions or completion rate.",
)
async def admin_get_content_stats(
    principal: EditorPrincipal,
    session: SessionDep,
    kind: Literal["video", "ebook", "diy"] | None = None,
    theme: Annotated[str | None, Query(max_length=80, description="Theme id or slug")] = None,
    sort: ContentSort = ContentSort.starts,
    from_: From = None,
    to: To = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ContentStats:
    """Answers the items that did best over a date range by the measure asked.

    **Who may call:** editors and admins; anyone else is refused (401 anonymous, 403 an
    explorer, parent or teacher).

    **Rules:** the range is bounded (422 beyond it).

    **Retries:** a read; repeating it changes nothing.
    """
    return await service.content(
        session, kind=kind, theme=theme, sort=sort, first=from_, last=to, limit=limit
    )
