"""The front of the public catalogue reads: runs before routing, for every GET under
`PUBLIC_PREFIXES`.

- A token that is sent is checked here, once, cached answer or not: a bad one is a 401, a
  missing one is fine (the catalogue is public). The hot routes therefore take no token
  dependency: FastAPI's dependency solving was a large share of an uncached list request
  (bench/README.md). Routes that personalise (a screen for one explorer) still ask for the
  caller themselves.
- Cache hits are answered from the shared cache without routing: going through routing and
  dependency injection made a hit cost six times a constant endpoint. Misses go on to the
  routes, which compute and store them. Both build the key from the validated query model
  (app.catalog.params), so a hit here is exactly what the route would have answered.
"""

from __future__ import annotations

from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Receive, Scope, Send

from app.auth.deps import check_authorization
from app.catalog.params import front_cache_key
from app.core.errors import Unauthorized, error_response
from app.core.http_cache import conditional_response

PUBLIC_PREFIXES = (
    "/api/v1/videos",
    "/api/v1/ebooks",
    "/api/v1/diys",
    "/api/v1/themes",
    "/api/v1/series",
    "/api/v1/search",
    "/api/v1/tabs/",
)


class CatalogFrontMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not path.startswith(PUBLIC_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        runtime = scope["app"].state.runtime
        headers = Headers(scope=scope)
        try:
            await check_authorization(
                runtime.tokens, runtime.revocations, headers.get("authorization")
            )
        except Unauthorized as exc:
            await error_response(exc)(scope, receive, send)
            return
        settings = runtime.settings
        if not settings.catalog_cache:
            await self.app(scope, receive, send)
            return
        # The key of the validated query, as the route stores it; none for a query the route
        # must refuse, or a screen for one explorer (it varies by the profile's age band).
        key = front_cache_key(path, QueryParams(scope.get("query_string", b"")))
        hit = None if key is None else await runtime.cache.get(key)
        if hit is None:
            await self.app(scope, receive, send)
            return
        etag, body = hit
        response = conditional_response(
            body,
            headers.get("if-none-match"),
            media_type="application/json",
            cache_control=f"public, max-age={settings.cache_ttl_seconds}",
            etag=etag,
        )
        await response(scope, receive, send)
