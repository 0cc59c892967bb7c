"""Answering with a model's JSON straight from its serializer.

A route that returns a model lets FastAPI validate it against the response model and then
serialise it: on the hottest routes (a heartbeat, a quiz answer) that second pass was a
measurable share of the request (bench/README.md). A route that built its model itself
answers `model_response(model)` instead, and still declares `response_model=` for the
document."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Response
from pydantic import BaseModel


def model_response(
    model: BaseModel, *, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    body = type(model).__pydantic_serializer__.to_json(model)
    return Response(body, status_code=status_code, headers=headers, media_type="application/json")
