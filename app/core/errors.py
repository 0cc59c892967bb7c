"""One error format for the whole API: RFC 9457 problem documents with a stable `code`.

Domain code raises an `AppError` subclass; the handlers below render it, and everything else
(unknown routes, wrong methods, validation, oversized bodies, crashes) in the same shape.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str | None = None
    code: str
    errors: list[FieldError] | None = None


class AppError(Exception):
    status: int = 400
    code: str = "bad_request"
    title: str | None = None

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        errors: list[FieldError] | None = None,
    ) -> None:
        super().__init__(detail or self.code)
        self.detail = detail
        if code:
            self.code = code
        self.headers = headers or {}
        self.errors = errors


class BadRequest(AppError):
    status, code = 400, "bad_request"


class Unauthorized(AppError):
    status, code = 401, "unauthorized"

    def __init__(self, detail: str | None = None, *, code: str | None = None) -> None:
        super().__init__(detail, code=code, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(AppError):
    status, code = 403, "forbidden"


class NotFound(AppError):
    status, code = 404, "not_found"


class Conflict(AppError):
    status, code = 409, "conflict"


class PayloadTooLarge(AppError):
    status, code = 413, "payload_too_large"


class UnprocessableEntity(AppError):
    status, code = 422, "validation_error"


class TooManyRequests(AppError):
    status, code = 429, "rate_limited"

    def __init__(self, retry_after: int, detail: str | None = None) -> None:
        super().__init__(
            detail or f"Too many requests; try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after


class ServiceUnavailable(AppError):
    status, code = 503, "service_unavailable"


# Outages this service rides out (a restart, a failover) last seconds, not minutes.
RETRY_AFTER_SECONDS = 5


class DependencyUnavailable(ServiceUnavailable):
    """A service the request needs (the database, Google, storage) cannot be reached: the
    client is told to retry shortly instead of being told its request or token is bad."""

    def __init__(self, what: str, code: str, retry_after: int = RETRY_AFTER_SECONDS) -> None:
        super().__init__(
            f"{what} is unavailable right now; try again in a few seconds.",
            code=code,
            headers={"Retry-After": str(retry_after)},
        )


class DatabaseUnavailable(DependencyUnavailable):
    def __init__(self) -> None:
        super().__init__("The database", "database_unavailable")


# asyncpg errors that mean the server is gone, restarting or full, not that a statement is
# wrong: a lost connection (class 08), a shutdown or start-up (57P01-57P03), no free slots.
DATABASE_OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
)


def database_outage(exc: BaseException) -> bool:
    """True when `exc`, or what it wraps, says the database is unreachable: SQLAlchemy's
    pool timed out, a connection was lost, or the server refused service."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (DatabaseUnavailable, *DATABASE_OUTAGE_ERRORS)):
            return True
        if isinstance(current, sa_exc.TimeoutError):  # QueuePool limit reached
            return True
        if isinstance(current, sa_exc.DBAPIError) and current.connection_invalidated:
            return True
        orig = getattr(current, "orig", None)
        if isinstance(orig, BaseException) and id(orig) not in seen and database_outage(orig):
            return True
        current = current.__cause__ or current.__context__
    return False


_CODES_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}


def problem_response(
    status: int,
    *,
    code: str | None = None,
    title: str | None = None,
    detail: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    code = code or _CODES_BY_STATUS.get(status, f"http_{status}")
    body = Problem(
        type=f"urn:wonderspaced:problem:{code}",
        title=title or HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        code=code,
        errors=errors,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the problems a route can answer."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_JSON: {}},
        }
        for status in statuses
    }


def field_errors(
    errors: Iterable[Mapping[str, Any]], prefix: Sequence[str | int] = ()
) -> list[FieldError]:
    """Pydantic's `errors()` (of a request or of a model checked in a service) as the
    problem document's `errors`; `prefix` places them, e.g. `("body", "pages", 2)`."""
    converted = []
    for err in errors:
        loc = [p if isinstance(p, int) else str(p) for p in (*prefix, *err.get("loc", ()))]
        converted.append(
            FieldError(loc=loc, msg=str(err.get("msg", "")), type=str(err.get("type")))
        )
    return converted


def invalid_field(
    loc: Sequence[str | int],
    msg: str,
    *,
    type: str = "value_error",
    code: str | None = None,
    detail: str | None = None,
) -> UnprocessableEntity:
    """A 422 about one field: `raise invalid_field(["body", "svg"], "unsafe", type=...)`."""
    error = FieldError(loc=list(loc), msg=msg, type=type)
    return UnprocessableEntity(detail or msg, code=code, errors=[error])


def error_response(exc: AppError) -> JSONResponse:
    """The problem document of an AppError, also for middleware that answers before routing."""
    return problem_response(
        exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        errors=exc.errors,
        headers=exc.headers,
    )


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(exc)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"No route matches {request.url.path}."
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}."
    headers = dict(exc.headers) if exc.headers else None
    return problem_response(exc.status_code, detail=detail, headers=headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = field_errors(exc.errors())
    first = errors[0] if errors else None
    detail = f"{'.'.join(str(p) for p in first.loc)}: {first.msg}" if first else "Invalid request."
    return problem_response(422, detail=detail, errors=errors)


def install_error_handlers(app: FastAPI) -> None:
    # Anything else (a crash, a database outage) is answered in one place, the outermost
    # RequestContextMiddleware (app/core/middleware.py), which knows the request id to quote:
    # an Exception handler here would never run, since that middleware catches first.
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
