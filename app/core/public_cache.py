"""A shared HTTP cache in front of the routes, for public GETs.

It has no routes, ids or bodies of its own: a route that answers a public read through
`cached_json` (app/core/http_cache.py) stores what it sent under the request's path and raw
query as well as under its validated key, and a later request for the same URL is answered
here with those bytes and their ETag (or a 304), before the per-IP budget and before routing.
Anything else (a miss, another method, a refused token, which the route answers with a 401)
goes on to the routes. Entries carry the route's tag and TTL, so an edit that invalidates the
tag empties both.

Only the paths given (prefixes of routes that cache publicly, from the list of modules) are
looked up, so a personal read never pays a cache round trip here.
"""

from __future__ import annotations

from cashews import Cache
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.cache import hot_get
from app.core.http_cache import conditional_response, public_key


class PublicCacheMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        cache: Cache,
        prefixes: tuple[str, ...],
        ttl: int,
        enabled: bool = True,
    ) -> None:
        self.app = app
        self.cache = cache
        self.prefixes = prefixes
        self.cache_control = f"public, max-age={ttl}"
        self.enabled = enabled and bool(prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            not self.enabled
            or scope["type"] != "http"
            or scope["method"] != "GET"
            or not scope["path"].startswith(self.prefixes)
            or _refused(scope)
            or _explorer(scope)
        ):
            await self.app(scope, receive, send)
            return
        hit = await hot_get(self.cache, public_key(scope["path"], scope["query_string"]))
        if hit is None:
            await self.app(scope, receive, send)
            return
        etag, body = hit
        await conditional_response(
            body,
            _if_none_match(scope),
            media_type="application/json",
            cache_control=self.cache_control,
            etag=etag,
        )(scope, receive, send)


def _refused(scope: Scope) -> bool:
    """A token was sent and refused: the route answers the 401, whatever is cached."""
    auth = scope.get("state", {}).get("auth")
    return auth is not None and getattr(auth, "error", None) is not None


def _explorer(scope: Scope) -> bool:
    """An explorer's token: the route answers, since an explorer's screens may be locked
    (app/limits); a grown-up's or no token still gets the shared answer here."""
    auth = scope.get("state", {}).get("auth")
    caller = getattr(auth, "caller", None) if auth is not None else None
    return getattr(caller, "profile_id", None) is not None


def _if_none_match(scope: Scope) -> str | None:
    for key, value in scope["headers"]:
        if key == b"if-none-match":
            return bytes(value).decode("latin-1")
    return None
