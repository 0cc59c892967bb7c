"""Serves cached public catalogue responses before routing.

A cache hit is the most common answer the API gives; going through routing and dependency
injection made it cost six times a constant endpoint. This middleware answers hits straight
from the shared cache (still refusing an invalid token with 401), and lets misses through to
the routes, which compute and store them.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app.auth.tokens import InvalidToken
from app.catalog.service import CATALOG_TAG
from app.core.errors import problem_response
from app.core.http_cache import cache_key, not_modified

CACHED_PREFIXES = (
    "/api/v1/videos",
    "/api/v1/ebooks",
    "/api/v1/diys",
    "/api/v1/themes",
    "/api/v1/series",
    "/api/v1/search",
    "/api/v1/tabs/",
)


class CatalogCacheMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not path.startswith(CACHED_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        runtime = scope["app"].state.runtime
        settings = runtime.settings
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        # Screens for an explorer vary by the profile's age band: the route handles those.
        if not settings.catalog_cache or any(name == "profile_id" for name, _ in query):
            await self.app(scope, receive, send)
            return
        hit = await runtime.cache.get(cache_key(CATALOG_TAG, path, query))
        if hit is None:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        authorization = headers.get("authorization")
        if authorization:
            scheme, _, token = authorization.partition(" ")
            try:
                if scheme.lower() != "bearer":
                    raise InvalidToken("not a bearer token")
                runtime.tokens.decode(token, "access", "explorer")
            except InvalidToken:
                response = problem_response(
                    401,
                    code="invalid_token",
                    detail="The access token is not valid.",
                    headers={"WWW-Authenticate": "Bearer"},
                )
                await response(scope, receive, send)
                return
        etag, body = hit
        cache_headers = {
            "ETag": etag,
            "Cache-Control": f"public, max-age={settings.cache_ttl_seconds}",
        }
        if not_modified(headers.get("if-none-match"), etag):
            await Response(status_code=304, headers=cache_headers)(scope, receive, send)
            return
        await Response(body, media_type="application/json", headers=cache_headers)(
            scope, receive, send
        )
