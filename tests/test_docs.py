"""The docs pages are the service's own: Swagger UI and ReDoc load every file from this origin
(pinned in requirements.txt), their policy names no other origin, and an admin still signs in
through Swagger UI's Authorize (the OAuth2 password flow)."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import httpx
import pytest

from app.accounts.models import Role
from app.api import create_app
from app.core import docs
from app.core.config import Environment
from app.runtime import Runtime
from tests.support.app import client_for
from tests.support.auth import PASSWORD, make_account

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("/docs", "/redoc")
_INLINE = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)
_REFERENCES = re.compile(r'\b(?:src|href)="([^"]*)"')
# A source that names no origin: a keyword, a hash, or content the page made itself.
_OWN_SOURCE = re.compile(r"^('self'|'none'|'unsafe-inline'|'sha256-[A-Za-z0-9+/]+=*'|data:|blob:)$")


def _policy(response: httpx.Response) -> dict[str, list[str]]:
    directives = [d.split() for d in response.headers["content-security-policy"].split(";")]
    return {name: sources for name, *sources in directives}


def _sha256(script: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"


async def test_the_pages_load_only_this_origins_files(client: httpx.AsyncClient) -> None:
    referenced: set[str] = set()
    for page in PAGES:
        response = await client.get(page)
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        # No CDN, no Google Fonts, no validator badge: no absolute address at all.
        assert "://" not in response.text, page
        references = _REFERENCES.findall(response.text)
        assert references, page
        for reference in references:
            assert reference.startswith(docs.ASSETS_URL + "/"), (page, reference)
        referenced.update(references)
    swagger = (await client.get("/docs")).text
    assert "url: '/openapi.json'" in swagger
    assert "oauth2RedirectUrl: window.location.origin + '/docs/oauth2-redirect'" in swagger
    assert '<redoc spec-url="/openapi.json">' in (await client.get("/redoc")).text
    assert {ref.rsplit("/", 1)[1] for ref in referenced} == set(docs.ASSETS)

    for reference in sorted(referenced):
        asset = await client.get(reference)
        name = reference.rsplit("/", 1)[1]
        assert asset.status_code == 200, reference
        assert asset.headers["content-type"] == docs.ASSETS[name]
        assert asset.headers["x-content-type-options"] == "nosniff"
        assert "immutable" in asset.headers["cache-control"]
        assert asset.content == (docs._ASSET_DIR / name).read_bytes()
    bundle = await client.get(f"{docs.ASSETS_URL}/swagger-ui-bundle.js")
    assert b"SwaggerUIBundle" in bundle.content
    assert b"Redoc" in (await client.get(f"{docs.ASSETS_URL}/redoc.standalone.js")).content
    assert (await client.get(f"{docs.ASSETS_URL}/favicon.png")).content.startswith(b"\x89PNG")


async def test_only_the_listed_assets_are_served(client: httpx.AsyncClient) -> None:
    for path in (
        f"{docs.ASSETS_URL}/core.py",
        f"{docs.ASSETS_URL}/..%2F__init__.py",
        f"{docs.ASSETS_URL}/%2E%2E/core.py",
        "/docs/assets/0.0.1/swagger-ui.css",
    ):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("env", [Environment.prod, Environment.test])
async def test_the_policy_names_no_other_origin(runtime: Runtime, env: Environment) -> None:
    app = create_app(settings=runtime.settings.model_copy(update={"env": env}))
    async with client_for(app, runtime) as client:
        pages = [await client.get(path) for path in (*PAGES, "/docs/oauth2-redirect")]
    for page in pages:
        assert page.status_code == 200
        policy = _policy(page)
        assert policy["default-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["connect-src"] == ["'self'"]
        assert "'self'" in policy["script-src"]
        assert "'unsafe-inline'" not in policy["script-src"]
        for script in _INLINE.findall(page.content):
            assert _sha256(script) in policy["script-src"]
        foreign = [s for sources in policy.values() for s in sources if not _OWN_SOURCE.match(s)]
        assert foreign == [], page.url


def test_the_policy_test_would_catch_a_cdn() -> None:
    """The pattern above refuses what the pages used to allow."""
    for source in (
        "https://cdn.jsdelivr.net",
        "https://fonts.googleapis.com",
        "cdn.jsdelivr.net",
        "https:",
        "*",
        "'unsafe-eval'",
    ):
        assert not _OWN_SOURCE.match(source), source


def test_the_pinned_package_ships_the_versions_the_readme_states() -> None:
    bundle = (docs._ASSET_DIR / "swagger-ui-bundle.js").read_text()
    assert f'PACKAGE_VERSION:"{docs.SWAGGER_UI_VERSION}"' in bundle
    redoc = (docs._ASSET_DIR / "redoc.standalone.js").read_text()
    assert f'"{docs.REDOC_VERSION}"' in redoc
    readme = (ROOT / "README.md").read_text()
    assert f"Swagger UI {docs.SWAGGER_UI_VERSION}" in readme
    assert f"ReDoc {docs.REDOC_VERSION}" in readme
    requirements = (ROOT / "requirements.txt").read_text().splitlines()
    assert f"fastapi-offline=={docs.ASSETS_URL.rsplit('/', 1)[1]}" in requirements


@pytest.mark.parametrize("env", [Environment.prod, Environment.test])
async def test_authorize_signs_an_admin_in_and_persists_only_outside_prod(
    runtime: Runtime, env: Environment
) -> None:
    await make_account(runtime, "swagger.admin@example.com", Role.admin)
    app = create_app(settings=runtime.settings.model_copy(update={"env": env}))
    async with client_for(app, runtime) as client:
        page = (await client.get("/docs")).text
        assert ('"persistAuthorization": true' in page) is (env is not Environment.prod)
        spec = (await client.get("/openapi.json")).json()
        flow = spec["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]["password"]
        # Same origin, so the page's connect-src 'self' lets Swagger UI post the form.
        assert flow["tokenUrl"] == "/api/v1/auth/token"
        # What Swagger UI's Authorize sends for the password flow.
        token = await client.post(
            flow["tokenUrl"],
            data={
                "grant_type": "password",
                "username": "swagger.admin@example.com",
                "password": PASSWORD,
            },
            headers={"Accept": "application/json, text/plain, */*"},
        )
        assert token.status_code == 200, token.text
        assert token.json()["token_type"] == "bearer"
        accounts = await client.get(
            "/api/v1/admin/accounts",
            headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        )
    assert accounts.status_code == 200
    assert "swagger.admin@example.com" in [a["email"] for a in accounts.json()["items"]]
