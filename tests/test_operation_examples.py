"""The examples of the catalogue's operations (its public reads) and of every admin operation
(`/admin/...`) work as they are on the demo: path parameters, headers and bodies taken from
the document, as Swagger UI prefills them, sent with an admin's token, each answer a success
with an example of its own. The demo is made as a first start makes it (`app.seed.seed`);
its stable ids (app/core/examples.py) are what makes this hold on every install.

Each request runs in a savepoint rolled back after it, so every example meets the demo as a
fresh `make run` has it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.accounts.models import Role
from app.api import create_app
from app.bootstrap import build_runtime
from app.core.config import Settings
from app.core.db import Database
from app.integrations.google_tokens import GoogleTokenVerifier
from app.runtime import Runtime
from app.seed import seed
from tests.support.auth import bearer, login, make_account
from tests.support.google_keys import CertsServer

TAG = "catalogue"
ADMIN = "/api/v1/admin/"
# Examples that answer a problem on the demo, on purpose, with the problem's code: each
# needs something the demo does not hold, and its description says so.
REFUSED = {
    # The demo's themes and series all hold items: deleting one is refused, as documented.
    "DELETE /api/v1/admin/themes/{theme_id}": (409, "theme_not_empty"),
    "DELETE /api/v1/admin/series/{series_id}": (409, "series_not_empty"),
    # Every demo file is used by its content.
    "DELETE /api/v1/admin/assets/{asset_id}": (409, "asset_in_use"),
    # The demo sends no announcement and shares no link: there is none to read or disable.
    "GET /api/v1/admin/announcements/{announcement_id}": (404, "not_found"),
    "POST /api/v1/admin/share-links/disable": (404, "link_not_found"),
}
# Seeding the whole demo (media, narration, the family's week) takes a while.
pytestmark = pytest.mark.timeout(300)
# Needs the caller's own explorer (a kid-mode screen): an admin has none.
NOT_STAFF = {"GET /api/v1/tabs/my-explorer"}


def _document() -> dict[str, Any]:
    app = create_app(settings=Settings(database_url="postgresql+asyncpg://unused@127.0.0.1/x"))
    return app.openapi()


DOCUMENT = _document()
OPERATIONS = [
    (f"{method.upper()} {path}", operation)
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
    if (operation["tags"] == [TAG] or path.startswith(ADMIN))
    and f"{method.upper()} {path}" not in NOT_STAFF
]


@dataclass
class Demo:
    conn: AsyncConnection
    runtime: Runtime
    client: httpx.AsyncClient
    admin: dict[str, str]


@pytest.fixture(scope="module")
async def demo(
    settings: Settings, engine: AsyncEngine, google_certs: CertsServer
) -> AsyncIterator[Demo]:
    """The demo as a first start makes it, and an admin, in a transaction rolled back at
    the end."""
    own = settings.model_copy(
        update={"rate_limit_per_minute": 1_000_000, "seed_demo_content": True}
    )
    async with engine.connect() as conn:
        transaction = await conn.begin()
        runtime = build_runtime(
            own,
            db=Database(engine, bind=conn),
            google_tokens=GoogleTokenVerifier(google_certs.url),
        )
        await runtime.cache.clear()
        try:
            await seed(runtime)
            await make_account(runtime, "examples-admin@example.com", Role.admin)
            app = create_app(runtime=runtime)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                admin = bearer(await login(c, "examples-admin@example.com"))
                yield Demo(conn, runtime, c, admin)
        finally:
            await runtime.tasks.stop()
            await runtime.google_tokens.aclose()
            await transaction.rollback()


def _example(parameter: dict[str, Any]) -> Any:
    """The value Swagger UI fills in for a parameter: its example, else its schema's."""
    if "examples" in parameter:
        return next(iter(parameter["examples"].values()))["value"]
    if "example" in parameter:
        return parameter["example"]
    return parameter.get("schema", {}).get("examples", [None])[0]


def _request(route: str, operation: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    method, path = route.split(" ", 1)
    headers: dict[str, str] = {}
    params: dict[str, Any] = {}
    for parameter in operation.get("parameters", []):
        value = _example(parameter)
        if value is None:
            assert not parameter.get("required"), f"{route}: {parameter['name']} has no example"
            continue
        if parameter["in"] == "path":
            path = path.replace(f"{{{parameter['name']}}}", str(value))
        elif parameter["in"] == "header":
            headers[parameter["name"]] = str(value)
        elif parameter["in"] == "query":
            params[parameter["name"]] = value
    kwargs: dict[str, Any] = {"headers": headers, "params": params}
    body = operation.get("requestBody")
    if body is not None:
        media = body["content"]["application/json"]
        assert "example" in media, f"{route}: the request body has no example"
        kwargs["json"] = media["example"]
    return method, path, kwargs


def _answer_examples(route: str, operation: dict[str, Any]) -> None:
    for status, response in operation["responses"].items():
        if status.startswith("2") and "application/json" in response.get("content", {}):
            media = response["content"]["application/json"]
            assert "example" in media, f"{route}: the {status} answer has no example"


def test_the_catalogue_operations_are_there() -> None:
    assert len(OPERATIONS) > 70


@pytest.mark.parametrize(("route", "operation"), OPERATIONS, ids=[r for r, _ in OPERATIONS])
async def test_each_example_works_on_the_demo(
    demo: Demo, route: str, operation: dict[str, Any]
) -> None:
    method, path, kwargs = _request(route, operation)
    kwargs["headers"] = {**demo.admin, **kwargs["headers"]}
    savepoint = await demo.conn.begin_nested()
    try:
        response = await demo.client.request(method, path, **kwargs)
    finally:
        if savepoint.is_active:
            await savepoint.rollback()
        await demo.runtime.cache.clear()
    if route in REFUSED:
        status, code = REFUSED[route]
        assert (response.status_code, response.json()["code"]) == (status, code), response.text
        return
    assert 200 <= response.status_code < 300, f"{route}: {response.status_code} {response.text}"
    if response.status_code not in (204, 304):
        _answer_examples(route, operation)
