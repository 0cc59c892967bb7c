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

from app.core.error_codes import code_for_status

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """An RFC 9457 problem document. Switch on `code` (the enum lists every code this API
    answers); `detail` is for people and may change."""

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


def problem_response(
    status: int,
    *,
    code: str | None = None,
    title: str | None = None,
    detail: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    code = code or code_for_status(status)
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
    """OpenAPI `responses=` entries for the problems a route can answer beyond those every
    route of its kind declares by rule (app/core/openapi.py adds 400, 401, 404, 413, 422, 429,
    500 and 503 from the route's parameters, body and security)."""
    return {
        status: {
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
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
    headers = dict(exc.headers) if exc.headers else None
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}."
        allow = allowed_methods(request, (headers or {}).get("Allow", ""))
        headers = {**(headers or {}), "Allow": ", ".join(allow)}
    return problem_response(exc.status_code, detail=detail, headers=headers)


def allowed_methods(request: Request, fallback: str = "") -> list[str]:
    """Every method of the path the URL is (the first template matching it), not only the
    method of the first route routing tried."""
    table = getattr(request.app.state, "route_methods", None)
    if not table:
        return [m.strip() for m in fallback.split(",") if m.strip()]
    path = request.scope.get("path", "")
    for regex, route_methods in table:
        if regex.match(path):
            return sorted(route_methods)
    return []


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = field_errors(exc.errors())
    if errors and all(e.loc == ["header", "if-match"] and e.type == "missing" for e in errors):
        # A route that declares If-Match required: without it the edit cannot say which
        # version it changes (RFC 6585), a 428 the client answers by reading the item first.
        return problem_response(
            428,
            code="precondition_required",
            detail="Send If-Match with the ETag of the item as you read it (GET it first), "
            "so that an edit never replaces one made since.",
        )
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
