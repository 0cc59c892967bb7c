"""The front of the hottest requests an explorer's app sends (a heartbeat every few seconds
of play, an answer per quiz question, the "My adventures" screen): answered before routing,
on a plain asyncpg connection.

Routing, FastAPI's dependency solving, the ORM session (its pool's pre-ping, BEGIN and
COMMIT around one upsert) and the response model's second validation were more than half of
a heartbeat's CPU (bench/README.md). Here a request costs its token check, one validation of
its body, the profile-scope statement, the service function every route also calls, and one
serialisation.

The front answers only what it recognises exactly: the method and path of a declared
`FrontRoute` with canonical ids, no query string, a bearer token that checks out, and a JSON
body its model accepts. Everything else (a bad token, a body the model refuses, another
content type) goes on to the route, which answers it as it always has; so do all requests
while `answer` is off (tests compare both sides byte for byte). Errors the service raises
are rendered by the app's own handlers. The front sits inside the per-IP budget
(RateLimitMiddleware), so a request it answers is counted like any other.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from fastapi import FastAPI
from pydantic import BaseModel
from pydantic_core import from_json
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth.deps import Caller, caller_from_token
from app.core.errors import Unauthorized
from app.core.front import UUID_TEXT, handler_for, read_body, replay
from app.profiles.scope import check_in_scope
from app.runtime import Runtime

PREFIX = "/api/v1/profiles/"


@dataclass(frozen=True)
class FrontCall:
    """One recognised request, once its caller may act for the profile."""

    app: FastAPI
    runtime: Runtime
    caller: Caller
    profile_id: uuid.UUID
    # The `{name}` segments of the route's path, as UUIDs.
    params: dict[str, uuid.UUID]
    # The body, validated by the route's body model (None without one).
    body: Any
    conn: asyncpg.Connection[Any]


# The response model, or the JSON it writes.
FrontHandler = Callable[[FrontCall], Awaitable[BaseModel | bytes]]


class LeaveToRoute(Exception):
    """Raised by a handler, before anything is written, for a request its route must answer
    (e.g. one that needs the ORM): the front hands the request on untouched."""


@dataclass(frozen=True)
class FrontRoute:
    """A route the front answers: `path` is under `/profiles/{profile_id}`, its `{name}`
    segments UUIDs; `handler` runs what the declared route runs and returns its response
    model. `transaction`: the handler's statements run in one (a row lock held to the end);
    `read_only`: on the read-only pool."""

    method: str
    path: str
    handler: FrontHandler
    body: type[BaseModel] | None = None
    transaction: bool = False
    read_only: bool = False
    segments: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "segments", tuple(self.path.strip("/").split("/")))

    def match(self, parts: Sequence[str]) -> dict[str, uuid.UUID] | None:
        params: dict[str, uuid.UUID] = {}
        for segment, part in zip(self.segments, parts, strict=True):
            if segment.startswith("{"):
                if not UUID_TEXT.fullmatch(part):
                    return None
                params[segment[1:-1]] = uuid.UUID(part)
            elif segment != part:
                return None
        return params


def _headers(scope: Scope) -> tuple[str | None, bytes]:
    """Authorization and the media type of the body, in one pass over the raw headers; the
    first of each, as the routes read them."""
    authorization: str | None = None
    content_type: bytes | None = None
    for key, value in scope["headers"]:
        if key == b"authorization" and authorization is None:
            authorization = value.decode("latin-1")
        elif key == b"content-type" and content_type is None:
            content_type = value.split(b";", 1)[0].strip().lower()
    return authorization, content_type or b""


class ProfileFrontMiddleware:
    def __init__(self, app: ASGIApp, *, routes: Sequence[FrontRoute], answer: bool = True) -> None:
        self.app = app
        self.answer = answer
        # By method and number of segments: a request is compared with a handful at most.
        self.routes: dict[tuple[str, int], list[FrontRoute]] = {}
        for route in routes:
            self.routes.setdefault((route.method, len(route.segments)), []).append(route)

    def _match(self, scope: Scope) -> tuple[FrontRoute, uuid.UUID, dict[str, uuid.UUID]] | None:
        path: str = scope["path"]
        if not path.startswith(PREFIX) or scope.get("query_string"):
            return None
        profile, *parts = path[len(PREFIX) :].split("/")
        candidates = self.routes.get((scope["method"], len(parts)))
        if not candidates or not UUID_TEXT.fullmatch(profile):
            return None
        for route in candidates:
            params = route.match(parts)
            if params is not None:
                return route, uuid.UUID(profile), params
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        matched = self._match(scope) if scope["type"] == "http" and self.answer else None
        if matched is None:
            await self.app(scope, receive, send)
            return
        route, profile_id, params = matched
        authorization, content_type = _headers(scope)
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            await self.app(scope, receive, send)
            return
        runtime: Runtime = scope["app"].state.runtime
        try:
            caller = await caller_from_token(runtime.tokens, runtime.revocations, token)
        except Unauthorized:
            await self.app(scope, receive, send)  # the route's 401, as it words it
            return
        body: Any = None
        messages: list[Message] = []
        if route.body is not None:
            if content_type != b"application/json":
                await self.app(scope, receive, send)
                return
            raw, messages = await read_body(receive)
            try:
                # Python-mode validation of the parsed JSON, as FastAPI validates a body.
                body = route.body.model_validate(from_json(raw))
            except ValueError:  # not JSON, or refused by the model: the route's 422
                await self.app(scope, replay(messages, receive), send)
                return
        try:
            response = await self._answer(scope, runtime, route, caller, profile_id, params, body)
        except LeaveToRoute:
            await self.app(scope, replay(messages, receive), send)
            return
        except Exception as exc:
            handler = handler_for(scope, exc)
            if handler is None:
                raise  # a crash or an outage: RequestContextMiddleware answers it
            response = await handler(Request(scope), exc)
        await response(scope, receive, send)

    async def _answer(
        self,
        scope: Scope,
        runtime: Runtime,
        route: FrontRoute,
        caller: Caller,
        profile_id: uuid.UUID,
        params: dict[str, uuid.UUID],
        body: Any,
    ) -> Response:
        db = runtime.db
        async with db.raw_connection() if route.read_only else db.write_connection() as conn:
            await check_in_scope(conn, caller, profile_id)
            call = FrontCall(scope["app"], runtime, caller, profile_id, params, body, conn)
            if route.transaction:
                async with conn.transaction():
                    result = await route.handler(call)
            else:
                result = await route.handler(call)
        # What FastAPI sends for a response model without a custom response class.
        content = result if isinstance(result, bytes) else result.model_dump_json(by_alias=True)
        return Response(content, media_type="application/json")
