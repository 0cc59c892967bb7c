"""Data rights: every attempt of a family's explorers, with each answer, for its export."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.profiles import service as profiles_service
from app.quizzes import queries


async def export_quizzes(session: AsyncSession, account_id: uuid.UUID) -> dict[str, Any]:
    """Every attempt of a family's explorers, with each answer, JSON-ready."""
    profile_ids = [p.id for p in await profiles_service.list_for(session, account_id)]
    attempts, responses = await queries.export_rows(session, profile_ids)
    answers: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for r in responses:
        answers[r["attempt_id"]].append(
            {
                "question_id": str(r["question_id"]),
                "question": r["prompt"],
                "choice_ids": [str(c) for c in r["choice_ids"]],
                "hint_used": r["hint_used"],
                "correct": r["correct"],
                "points_awarded": float(r["points_awarded"]),
                "answered_at": r["answered_at"].isoformat(),
                "updated_at": r["updated_at"].isoformat(),
            }
        )
    return {
        "attempts": [
            {
                "id": str(a["id"]),
                "profile_id": str(a["profile_id"]),
                "quiz_id": str(a["quiz_id"]),
                "quiz_title": a["title"],
                "started_at": a["started_at"].isoformat(),
                "closed_at": a["closed_at"].isoformat() if a["closed_at"] else None,
                "status": a["closed_reason"] or "open",
                "score": float(a["score"]) if a["score"] is not None else None,
                "max_score": a["max_score"],
                "percent": a["percent"],
                "passed": a["passed"],
                "stars": a["stars"],
                "answers": answers.get(a["id"], []),
            }
            for a in attempts
        ]
    }
