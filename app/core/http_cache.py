"""Cached JSON responses for public reads: the body computed once per key (stampede-safe,
shared through Redis when configured), with an ETag, Cache-Control and 304s; and the ETag
comparisons of conditional requests (If-None-Match on reads, If-Match on edits)."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from cashews import Cache
from fastapi import Request, Response
from pydantic import BaseModel

from app.core.cache import get_or_compute
from app.core.errors import AppError
from app.core.query import QueryModel


class PreconditionFailed(AppError):
    """If-Match names a version that is no longer the current one."""

    status, code = 412, "precondition_failed"


class PreconditionRequired(AppError):
    """An edit that must say which version it changes (If-Match) did not."""

    status, code = 428, "precondition_required"


def cache_key(tag: str, path: str, params: QueryModel | None = None, vary: str = "") -> str:
    """The key of a public answer: the path, the validated query model (never the raw query
    text: `?age%3D4%26limit=20` is one unknown parameter, not a filter) and `vary`.

    The path is quoted so that no decoded path can spell another key's query part."""
    query = params.cache_params() if params is not None else ""
    return f"{tag}:{quote(path)}?{query}#{quote(vary)}"


def etag_of(body: bytes) -> str:
    # BLAKE2b with a 16-byte digest: the same 32 hex characters as before, at about half the
    # cost of SHA-256 on a page of cards. An uncached read hashes its body on every request.
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


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
    key = cache_key(tag, request.scope["path"], params, vary) if enabled else None
    return await cached_answer(
        cache, key, build, request.headers.get("if-none-match"), ttl=ttl, tag=tag
    )


async def cached_answer(
    cache: Cache,
    key: str | None,
    build: Callable[[], Awaitable[BaseModel]],
    if_none_match: str | None,
    *,
    ttl: int,
    tag: str,
) -> Response:
    """The answer of `cached_json` for a known cache key (None: not cached), for callers that
    answer before routing (app/catalog/front.py) as well as the routes."""

    async def compute() -> tuple[str, bytes]:
        model = await build()
        # The model's own serializer, straight to bytes: model_dump_json() measured 70% more
        # (its options, then a str that had to be encoded again).
        body = type(model).__pydantic_serializer__.to_json(model)
        return etag_of(body), body

    if key is not None:
        etag, body = await get_or_compute(cache, key, compute, ttl=ttl, tags=[tag])
    else:
        etag, body = await compute()
    return conditional_response(
        body,
        if_none_match,
        media_type="application/json",
        cache_control=f"public, max-age={ttl}",
        etag=etag,
    )
