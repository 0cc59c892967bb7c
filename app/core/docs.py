"""Swagger UI (`/docs`) and ReDoc (`/redoc`) served from the service's own files.

FastAPI's own pages load both from a CDN at floating major versions, with no integrity check,
on the origin where an admin pastes a token; offline they are a blank page. Here the scripts,
the stylesheet and the icon come from the pinned `fastapi-offline` package (requirements.txt),
so the pages work on a laptop with no internet and the docs policy of
app/core/middleware.py allows this origin alone.
"""

from __future__ import annotations

from importlib.metadata import version
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import FileResponse, HTMLResponse

from app.core.errors import NotFound

# What the pinned package ships; tests/test_docs.py checks these against its files, so an
# upgrade cannot change the UIs without this and the README saying so.
SWAGGER_UI_VERSION = "5.32.6"
REDOC_VERSION = "2.5.3"

DOCS_URL = "/docs"
REDOC_URL = "/redoc"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
# HTML pages: each gets the docs policy (app/core/middleware.py), with its inline scripts'
# hashes. The assets below are not pages and keep the API's policy.
PAGES = frozenset({DOCS_URL, OAUTH2_REDIRECT_URL, REDOC_URL})

_PACKAGE = "fastapi-offline"
# The package version is in the path, so a browser may keep an asset for good: an upgrade
# is a new address.
ASSETS_URL = f"/docs/assets/{version(_PACKAGE)}"
ASSETS: dict[str, str] = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "redoc.standalone.js": "text/javascript; charset=utf-8",
    "favicon.png": "image/png",
}
_ASSET_DIR = Path(str(files("fastapi_offline") / "static"))
_IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}


def install(app: FastAPI) -> None:
    """Adds the docs pages and their assets to `app` itself (as FastAPI adds its own), built
    with `docs_url=None` and `redoc_url=None`. Swagger UI takes the app's
    `swagger_ui_parameters` and `swagger_ui_init_oauth`, as FastAPI's own page would."""
    openapi_url = app.openapi_url or "/openapi.json"
    # No badge from validator.swagger.io: the page loads nothing from another origin.
    parameters = {**(app.swagger_ui_parameters or {}), "validatorUrl": None}

    @app.get(DOCS_URL, name="swagger_ui", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            oauth2_redirect_url=root + OAUTH2_REDIRECT_URL,
            init_oauth=app.swagger_ui_init_oauth,
            swagger_ui_parameters=parameters,
        )

    @app.get(OAUTH2_REDIRECT_URL, name="swagger_ui_oauth2_redirect", include_in_schema=False)
    async def swagger_ui_oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(REDOC_URL, name="redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )

    @app.get(f"{ASSETS_URL}/{{name}}", name="docs_asset", include_in_schema=False)
    async def docs_asset(name: str) -> FileResponse:
        media_type = ASSETS.get(name)
        if media_type is None:  # only the files above: no path ever reaches the disk
            raise NotFound("No such docs asset.")
        return FileResponse(_ASSET_DIR / name, media_type=media_type, headers=_IMMUTABLE)
