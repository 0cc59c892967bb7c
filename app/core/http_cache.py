"""Cached JSON responses for public reads: the body computed once per key (stampede-safe,
shared through Redis when configured), with an ETag, Cache-Control and 304s."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

from cashews import Cache
from fastapi import Request, Response
from pydantic import BaseModel

from app.core.cache import get_or_compute


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


async def cached_json(
    request: Request,
    cache: Cache,
    build: Callable[[], Awaitable[BaseModel]],
    *,
    ttl: int,
    tag: str,
    enabled: bool = True,
    vary: str = "",
) -> Response:
    """`build()` serialised, from the cache when possible; `vary` adds to the cache key what
    changes the answer beyond the URL (e.g. an age band taken from a profile)."""

    async def compute() -> tuple[str, bytes]:
        body = (await build()).model_dump_json().encode()
        return _etag(body), body

    if enabled:
        query = "&".join(f"{k}={v}" for k, v in sorted(request.query_params.multi_items()))
        key = f"{tag}:{request.url.path}?{query}#{vary}"
        etag, body = await get_or_compute(cache, key, compute, ttl=ttl, tags=[tag])
    else:
        etag, body = await compute()
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={ttl}"}
    if_none_match = request.headers.get("if-none-match")
    if if_none_match and etag in [t.strip() for t in if_none_match.split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
