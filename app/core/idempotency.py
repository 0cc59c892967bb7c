"""`Idempotency-Key`: a create retried after a dropped answer runs once.

A client that sent a write and never saw the answer (a timeout, a lost connection) cannot
tell whether it happened. Writes with a natural key count once by themselves (a heartbeat's
`sent_at`, an answer per question, one open attempt per quiz, a submit); a create has none,
so the client names the attempt: it sends `Idempotency-Key` with a value of its own and
sends the same value again with the retry (the IETF draft "The Idempotency-Key HTTP Header
Field"; Stripe's behaviour).

A route declares it with `@idempotent` under its `@router.post(...)`:

- without the header nothing changes;
- the first request with a key (per account and per route) runs, and its answer (status,
  body, Content-Type, Location, ETag) is kept in the same transaction as the write: the
  request's unit of work commits both or neither, so a request that failed kept nothing and
  its retry runs again;
- the same key with the same request (a hash of method, path, query and body) answers the
  kept answer with `Idempotent-Replayed: true`, without running the route;
- the same key with another request is 422 `idempotency_key_reused`;
- while the first is still running, 409 `idempotency_key_in_flight` with `Retry-After`;
- kept answers count for `RETENTION` (24 hours) and are deleted by the `prune` job.

A request in flight is seen through a transaction-level advisory lock on the key, taken
before anything is looked up: it lives exactly as long as the first request's transaction,
needs no row written before the route runs, and a second request finds it taken at once
instead of waiting for the first to finish. The check runs after the route's own
dependencies, so a caller the route refuses (a demoted teacher, another family) is refused
before any kept answer is considered.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, Header, Request, Response
from fastapi.datastructures import DefaultPlaceholder
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, serialize_response
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from app.core import queries
from app.core.contract import RETRY_AFTER
from app.core.db import Work, WorkDep
from app.core.errors import Conflict, UnprocessableEntity, problem_responses
from app.core.schema import timestamp_field

if TYPE_CHECKING:
    from app.auth.middleware import Authentication

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
RETENTION = timedelta(hours=24)
MAX_KEY_LENGTH = 255
# Printable ASCII: what any client can put in a header unchanged.
KEY_PATTERN = r"^[\x20-\x7E]+$"
# The first request is still running: about how long a create takes, and then some.
IN_FLIGHT_RETRY_AFTER = 1
# The headers of an answer that say what it is or where the created thing lives; the rest
# (the request id, dates, security headers) belong to each response.
KEPT_HEADERS = ("content-type", "location", "etag", "content-location", "last-modified")
# The middleware that checks the token keeps the caller here (app/auth/middleware.py,
# STATE_KEY); core reads it the way app/core/public_cache.py does.
_AUTH_STATE = "auth"
_PARAMETER = "idempotency_retry"

RULE = (
    "Optional: makes a retry of this request count once. Send a value of your own (1-255 "
    "printable ASCII characters; a new UUID for each new request is best) and send it again "
    "with each retry of that request. The first request with the key runs and its answer is "
    "kept for 24 hours; the same request again with the same key (after a timeout or a lost "
    "connection) answers that same status and body with `Idempotent-Replayed: true` and "
    "changes nothing. The same key with a different request (path or body) is 422 "
    "`idempotency_key_reused`; while the first is still running, 409 "
    "`idempotency_key_in_flight` with `Retry-After`. Keys are per account and per route. "
    "A request that failed kept nothing: retrying it runs it again."
)

# The `responses=` of an idempotent route, beside its own (a 422 is declared by rule).
RESPONSES: dict[int | str, dict[str, Any]] = {
    409: {
        **problem_responses(409)[409],
        "description": "Conflict; or a request with this Idempotency-Key is still running "
        "(`idempotency_key_in_flight`): retry after Retry-After",
        "headers": {"Retry-After": RETRY_AFTER},
    }
}


class IdempotencyKey(SQLModel, table=True):
    """The answer to the first request sent with a key, kept for RETENTION."""

    __tablename__ = "idempotency_key"
    __table_args__ = (sa.Index("ix_idempotency_key_created_at", "created_at"),)

    account_id: uuid.UUID = Field(foreign_key="account.id", ondelete="CASCADE", primary_key=True)
    route: str = Field(sa_type=sa.String(100), primary_key=True)
    key: str = Field(sa_type=sa.String(MAX_KEY_LENGTH), primary_key=True)
    # SHA-256 of the request, hex.
    fingerprint: str = Field(sa_type=sa.String(64))
    status: int = Field(sa_type=sa.SmallInteger)
    headers: dict[str, str] = Field(default_factory=dict, sa_type=JSONB)
    body: bytes = Field(sa_type=sa.LargeBinary)
    created_at: datetime = timestamp_field(default_now=True)


async def prune(session: AsyncSession, cutoff: datetime) -> int:
    """Deletes the answers kept before `cutoff` (the `prune` job passes now - RETENTION);
    returns how many. They stopped counting at RETENTION whether pruned or not."""
    return await queries.forget_answers(session, cutoff)


def lock_of(account_id: uuid.UUID, route: str, key: str) -> int:
    """The advisory lock a request holds while it runs with this key (64 bits of a hash: two
    keys sharing one would only make one of them wait for the other with a 409)."""
    digest = hashlib.sha256(f"{account_id}\n{route}\n{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _account_of(request: Request) -> uuid.UUID | None:
    auth: Authentication | None = request.scope.get("state", {}).get(_AUTH_STATE)
    caller = auth.caller if auth is not None else None
    return caller.account_id if caller is not None else None


def _canonical(body: bytes) -> bytes:
    """The same JSON however it is spaced or its keys ordered; any other body as it is."""
    try:
        return json.dumps(
            json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    except ValueError:
        return body


@dataclass(frozen=True, slots=True)
class _Retry:
    """What a request that may be a retry brings: its key (None: not sent), and the parts
    it is answered with."""

    request: Request
    response: Response  # the sub-response a route may set a status or headers on
    work: Work
    key: str | None

    async def claim(self, key: str, account_id: uuid.UUID) -> _Claim | Response:
        """A claim: this request is the first with its key, and runs. A Response: the answer
        kept for it, to replay. 409 while the first is running; 422 for another request."""
        request = self.request
        claim = _Claim(
            self,
            account_id,
            _route_of(request).name,
            key,
            hashlib.sha256(
                b"\n".join(
                    (
                        request.method.encode(),
                        request.url.path.encode(),
                        request.url.query.encode(),
                        _canonical(await request.body()),
                    )
                )
            ).hexdigest(),
        )
        session = await self.work.session()
        if not await queries.try_lock_key(session, claim.lock()):
            raise Conflict(
                "A request with this Idempotency-Key is still running; retry shortly.",
                code="idempotency_key_in_flight",
                headers={"Retry-After": str(IN_FLIGHT_RETRY_AFTER)},
            )
        # A statement of its own, after the lock: its snapshot sees what the request that
        # held the lock committed.
        kept = await queries.kept_answer(
            session, account_id, claim.route, key, RETENTION.total_seconds()
        )
        if kept is None:
            return claim
        if kept["fingerprint"] != claim.fingerprint:
            raise UnprocessableEntity(
                "This Idempotency-Key was sent with a different request; use a new key for "
                "a new request.",
                code="idempotency_key_reused",
            )
        return Response(
            content=kept["body"],
            status_code=kept["status"],
            headers={**kept["headers"], REPLAYED_HEADER: "true"},
        )


@dataclass(frozen=True, slots=True)
class _Claim:
    """The first request with a key, running."""

    retry: _Retry
    account_id: uuid.UUID
    route: str
    key: str
    fingerprint: str  # SHA-256 of method, path, query and body

    def lock(self) -> int:
        return lock_of(self.account_id, self.route, self.key)

    async def keep(self, result: Any) -> Response:
        """The route's answer as it will be sent, kept in the request's transaction."""
        response = result if isinstance(result, Response) else await self._render(result)
        body = getattr(response, "body", None)
        if not isinstance(body, bytes):
            raise TypeError("an idempotent route answers a body it can keep (not a stream)")
        await queries.keep_answer(
            await self.retry.work.session(),
            self.account_id,
            self.route,
            self.key,
            fingerprint=self.fingerprint,
            status=response.status_code,
            headers={k: v for k, v in response.headers.items() if k in KEPT_HEADERS},
            body=body,
        )
        return response

    async def _render(self, result: Any) -> Response:
        """What FastAPI makes of a route's return value (its response model, status and the
        sub-response's status and headers), made here so the bytes kept are the bytes sent."""
        route = _route_of(self.retry.request)
        sub = self.retry.response
        default_class = isinstance(route.response_class, DefaultPlaceholder)
        content = await serialize_response(
            field=route.response_field,
            response_content=result,
            include=route.response_model_include,
            exclude=route.response_model_exclude,
            by_alias=route.response_model_by_alias,
            exclude_unset=route.response_model_exclude_unset,
            exclude_defaults=route.response_model_exclude_defaults,
            exclude_none=route.response_model_exclude_none,
            dump_json=default_class and route.response_field is not None,
        )
        status = sub.status_code or route.status_code or 200
        response: Response
        if isinstance(content, bytes):
            response = Response(content, status_code=status, media_type="application/json")
        elif isinstance(route.response_class, DefaultPlaceholder):
            response = JSONResponse(content, status_code=status)
        else:
            response = route.response_class(content, status_code=status)
        response.headers.raw.extend(sub.headers.raw)
        return response


def _route_of(request: Request) -> APIRoute:
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        raise RuntimeError("@idempotent is for API routes")
    return route


def _string_only(schema: dict[str, Any]) -> None:
    # A header is absent or a string, never `null`: the string branch alone.
    (text,) = [s for s in schema.pop("anyOf") if s.get("type") == "string"]
    schema.update(text)


async def _retry(
    request: Request,
    response: Response,
    work: WorkDep,
    key: Annotated[
        str | None,
        Header(
            alias=KEY_HEADER,
            description=RULE,
            min_length=1,
            max_length=MAX_KEY_LENGTH,
            pattern=KEY_PATTERN,
            json_schema_extra=_string_only,
        ),
    ] = None,
) -> _Retry:
    return _Retry(request, response, work, key)


_RetryDep = Annotated[_Retry, Depends(_retry)]


def idempotent(endpoint: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """Declares `Idempotency-Key` on a route (the header, its rule in the document, and the
    behaviour above); the endpoint itself is unchanged. For routes that write through the
    request's session and need a caller (an anonymous request runs as if no key were sent:
    anonymous keys would be shared by everyone)."""
    signature = inspect.signature(endpoint)
    if _PARAMETER in signature.parameters:
        raise TypeError(f"{endpoint.__name__} already has a parameter {_PARAMETER!r}")

    @functools.wraps(endpoint)
    async def route(**values: Any) -> Any:
        retry: _Retry = values.pop(_PARAMETER)
        account_id = _account_of(retry.request)
        if retry.key is None or account_id is None:
            return await endpoint(**values)
        claimed = await retry.claim(retry.key, account_id)
        if isinstance(claimed, Response):
            return claimed
        return await claimed.keep(await endpoint(**values))

    extra = inspect.Parameter(_PARAMETER, inspect.Parameter.KEYWORD_ONLY, annotation=_RetryDep)
    route.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), extra]
    )
    return route
