"""Cached JSON responses for public reads: the body computed once per key (stampede-safe,
shared through Redis when configured), with an ETag, Cache-Control and 304s; and the ETag
comparisons of conditional requests (If-None-Match on reads, If-Match on edits)."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar, cast
from urllib.parse import quote

import pydantic_core
from cashews import Cache
from fastapi import Depends, Request, Response
from pydantic import BaseModel, PrivateAttr

from app.core.cache import get_or_compute
from app.core.errors import AppError
from app.core.query import QueryModel


class PreconditionFailed(AppError):
    """If-Match names a version that is no longer the current one."""

    status, code = 412, "precondition_failed"


class PreconditionRequired(AppError):
    """An edit that must say which version it changes (If-Match) did not."""

    status, code = 428, "precondition_required"


class Written(BaseModel):
    """A model whose JSON was written once, as it was built (`written`): `cached_json`
    sends that JSON rather than serialising the model again."""

    _json: bytes | None = PrivateAttr(default=None)

    def written_json(self) -> bytes | None:
        return self._json


W = TypeVar("W", bound=Written)


def written(model: type[W], fields: dict[str, Any]) -> W:
    """`model` holding `fields` as they are, unvalidated, with their JSON written at once by
    pydantic_core without a schema. For fields built from trusted rows exactly as the
    model's serializer writes them: every field, in the model's order, ids as text and enums
    as their values (app.catalog.queries.card_plain), kept so by tests. A model built from
    these fields validates them then (the explorer's screen from a Screen's)."""
    # pydantic's mypy plugin types model_construct as building the class it is looked up on.
    answer = cast(W, model.model_construct(**fields))
    answer._json = pydantic_core.to_json(fields)
    return answer


def cache_key(tag: str, path: str, params: QueryModel | None = None, vary: str = "") -> str:
    """The key of a public answer: the path, the validated query model (never the raw query
    text: `?age%3D4%26limit=20` is one unknown parameter, not a filter) and `vary`.

    The path is quoted so that no decoded path can spell another key's query part."""
    query = params.cache_params() if params is not None else ""
    return f"{tag}:{quote(path)}?{query}#{quote(vary)}"


def public_key(path: str, query_string: bytes) -> str:
    """The key of a URL as requested, for the cache in front of the routes
    (app/core/public_cache.py): the path quoted, so that no path spells another query."""
    return f"public:{quote(path)}?{query_string.decode('latin-1')}"


def etag_of(body: bytes) -> str:
    # An uncached read hashes its body on every request. SHA-256 cut to 16 bytes (32 hex
    # characters, as before): OpenSSL runs it on the CPU's SHA extensions (Intel since Ice
    # Lake, AMD since Zen), where it measured half the cost of BLAKE2b from 2 KB up (19 µs
    # against 37 µs for the 37 KB explore screen); without them it costs about twice BLAKE2b.
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _tags(header: str) -> list[str]:
    return [t.strip() for t in header.split(",")]


def not_modified(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 If-None-Match: the client's copy (one of the tags listed) is current."""
    return bool(if_none_match) and etag in _tags(if_none_match or "")


def conditional_response(
    body: bytes | str,
    if_none_match: str | None,
    *,
    media_type: str,
    cache_control: str,
    etag: str | None = None,
) -> Response:
    """The body with its ETag (a hash of it, unless given) and Cache-Control, or a bodiless
    304 with the same headers when If-None-Match names that ETag: every conditional read
    answers through here."""
    if etag is None:
        etag = etag_of(body.encode() if isinstance(body, str) else body)
    headers = {"ETag": etag, "Cache-Control": cache_control}
    if not_modified(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def if_match(header: str, etag: str) -> bool:
    """RFC 9110 If-Match: `*`, or the current strong ETag among those listed (a weak tag
    never matches: an edit needs the exact representation it was based on)."""
    tags = _tags(header)
    return "*" in tags or etag in tags


async def cached_json(
    request: Request,
    cache: Cache,
    build: Callable[[], Awaitable[BaseModel]],
    *,
    ttl: int,
    tag: str,
    enabled: bool = True,
    params: QueryModel | None = None,
    vary: str = "",
) -> Response:
    """`build()` serialised, from the cache when possible. `params` is the route's validated
    query, the only part of the query string its answer depends on; `vary` adds to the key
    what changes the answer beyond the URL (e.g. an age band taken from a profile)."""
    scope = request.scope
    compute = _computer(build)
    if not enabled:
        etag, body = await compute()
    else:
        key = cache_key(tag, scope["path"], params, vary)
        etag, body = await get_or_compute(cache, key, compute, ttl=ttl, tags=[tag])
        if not vary:
            # The URL as requested answers the same bytes until the tag or the TTL ends
            # them: the next request for it is answered before routing.
            alias = public_key(scope["path"], scope["query_string"])
            await cache.set(alias, (etag, body), expire=ttl, tags=[tag])
    return conditional_response(
        body,
        request.headers.get("if-none-match"),
        media_type="application/json",
        cache_control=f"public, max-age={ttl}",
        etag=etag,
    )


def _computer(
    build: Callable[[], Awaitable[BaseModel]],
) -> Callable[[], Awaitable[tuple[str, bytes]]]:
    async def compute() -> tuple[str, bytes]:
        model = await build()
        body = model.written_json() if isinstance(model, Written) else None
        if body is None:
            # The model's own serializer, straight to bytes: model_dump_json() measured 70%
            # more (its options, then a str that had to be encoded again).
            body = type(model).__pydantic_serializer__.to_json(model)
        return etag_of(body), body

    return compute


@dataclass(frozen=True, slots=True)
class PublicAnswers:
    """How an instance answers public reads: its shared cache, the TTL and whether caching is
    on (CATALOG_CACHE=false measures the database path)."""

    cache: Cache
    ttl: int
    enabled: bool = True

    async def json(
        self,
        request: Request,
        build: Callable[[], Awaitable[BaseModel]],
        *,
        tag: str,
        params: QueryModel | None = None,
        vary: str = "",
    ) -> Response:
        return await cached_json(
            request,
            self.cache,
            build,
            ttl=self.ttl,
            tag=tag,
            enabled=self.enabled,
            params=params,
            vary=vary,
        )


async def get_public_answers(request: Request) -> PublicAnswers:
    answers: PublicAnswers = request.app.state.runtime.public_answers
    return answers


PublicAnswersDep = Annotated[PublicAnswers, Depends(get_public_answers)]


# --- an SVG, for browsers and for generated clients ---------------------------------------------

SVG = "image/svg+xml"
OCTET_STREAM = "application/octet-stream"
# The 200 of a route answering an SVG: `image/svg+xml`, or the same bytes as
# `application/octet-stream` to a client that asks for that (Accept) — the type generated
# clients read as a file.
SVG_RESPONSE: dict[str, Any] = {
    "description": "The SVG document (UTF-8)",
    "content": {
        SVG: {"schema": {"type": "string"}},
        OCTET_STREAM: {"schema": {"type": "string", "format": "binary"}},
    },
}


def svg_answer(example: str) -> dict[str, Any]:
    """SVG_RESPONSE with an example of the SVG document, under both of its media types."""
    return {
        **SVG_RESPONSE,
        "content": {
            media_type: {**media, "example": example}
            for media_type, media in SVG_RESPONSE["content"].items()
        },
    }


def _svg_type(request: Request) -> str:
    accept = request.headers.get("accept", "")
    wanted = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    return OCTET_STREAM if OCTET_STREAM in wanted and SVG not in wanted else SVG


SvgTypeDep = Annotated[str, Depends(_svg_type)]
