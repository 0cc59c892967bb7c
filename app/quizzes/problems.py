"""The quiz module's 422s: field errors with their location, and the problem that holds them."""

from __future__ import annotations

from collections.abc import Sequence

from app.core.errors import FieldError, UnprocessableEntity


def field_error(loc: Sequence[str | int], msg: str, kind: str) -> FieldError:
    return FieldError(loc=list(loc), msg=msg, type=kind)


def invalid(errors: list[FieldError], detail: str | None = None) -> UnprocessableEntity:
    return UnprocessableEntity(detail or errors[0].msg, errors=errors)
