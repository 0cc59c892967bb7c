"""The contract the apps generate their clients from: rules over the whole OpenAPI document,
so a route added by any module is held to them, and the HTTP answers the rules promise."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.accounts.models import Role
from app.core.config import Settings
from app.core.contract import OPERATION_ID
from app.core.error_codes import ERROR_CODES
from app.core.errors import PROBLEM_JSON
from app.modules import API_PREFIX
from tests.support.app import app_with
from tests.support.auth import signed_in

ROOT = Path(__file__).resolve().parents[1]
METHODS = ("get", "put", "post", "delete", "patch")
# Public catalogue reads: anyone may call them, a token only personalises nothing.
PUBLIC_READS = re.compile(
    r"^/api/v1/(videos|ebooks|diys|search|tabs/\{tab\}|themes|series|quizzes)(/\{[a-z_]+\})?$"
)


@pytest.fixture(scope="module")
def document(settings: Settings) -> dict[str, Any]:
    return app_with(settings).openapi()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, ops in document["paths"].items()
        for method, op in ops.items()
        if method in METHODS
    ]


def test_every_error_is_a_typed_problem_document(document: dict[str, Any]) -> None:
    wrong = []
    for method, path, op in operations(document):
        for status, response in op["responses"].items():
            if status.isdigit() and int(status) >= 400:
                content = response.get("content", {})
                if content != {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}:
                    wrong.append(f"{method} {path} {status}: {sorted(content)}")
    assert wrong == []
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert "ValidationError" not in schemas
    assert "HTTPValidationError" not in str(document)
    assert schemas["Problem"]["properties"]["code"]["enum"] == sorted(ERROR_CODES)


def test_statuses_declared_by_rule(document: dict[str, Any]) -> None:
    missing = []
    for method, path, op in operations(document):
        declared = {int(s) for s in op["responses"] if s.isdigit()}
        wanted = {500}
        if op.get("parameters") or "requestBody" in op:
            wanted |= {400, 422}
        if "requestBody" in op:
            wanted.add(413)
        if any(p["in"] == "path" for p in op.get("parameters", [])):
            wanted.add(404)
        if op.get("security"):
            wanted.add(401)
        if path.startswith(API_PREFIX):
            wanted |= {429, 503}
        if wanted - declared:
            missing.append(f"{method} {path}: {sorted(wanted - declared)}")
        for status in ("429", "503"):
            if status in op["responses"]:
                headers = op["responses"][status].get("headers", {})
                if "Retry-After" not in headers:
                    missing.append(f"{method} {path} {status}: no Retry-After")
    assert missing == []


def test_operation_ids_are_readable_and_unique(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in operations(document)]
    assert [i for i in ids if not OPERATION_ID.match(i)] == []
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    assert [i for i in ids if "api_v1" in i] == []
    by_route = {f"{m} {p}": op["operationId"] for m, p, op in operations(document)}
    assert by_route["GET /api/v1/videos"] == "list_videos"
    assert by_route["GET /api/v1/videos/{item_id}"] == "get_video"
    assert by_route["GET /api/v1/search"] == "search"
    assert by_route["GET /api/v1/tabs/{tab}"] == "get_tab"
    assert by_route["PATCH /api/v1/admin/videos/{item_id}"] == "admin_update_video"
    assert by_route["PATCH /api/v1/admin/ebooks/{item_id}"] == "admin_update_ebook"
    for _, _, op in operations(document):
        assert op.get("tags"), op["operationId"]


def test_schema_names_are_plain(document: dict[str, Any]) -> None:
    names = list(document["components"]["schemas"])
    assert [n for n in names if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", n)] == []
    assert [n for n in names if "ApiV1" in n] == []


def test_every_write_has_a_request_schema(document: dict[str, Any]) -> None:
    loose = []
    for method, path, op in operations(document):
        body = op.get("requestBody", {}).get("content", {})
        for media in body.values():
            schema = media.get("schema", {})
            # A named model, or an optional one (`anyOf: [model, null]`): never `dict`.
            refs = [s for s in schema.get("anyOf", [schema]) if "$ref" in s]
            if not refs:
                loose.append(f"{method} {path}")
    assert loose == []
    schemas = document["components"]["schemas"]
    for kind in ("Video", "Ebook", "Diy"):
        patch, create = schemas[f"{kind}Patch"], schemas[f"{kind}In"]
        assert patch["additionalProperties"] is False
        assert set(patch["properties"]) == set(create["properties"])
        assert "required" not in patch
    patch_op = document["paths"]["/api/v1/admin/videos/{item_id}"]["patch"]
    if_match = [p for p in patch_op["parameters"] if p["name"].lower() == "if-match"]
    assert if_match
    assert if_match[0]["in"] == "header"
    assert if_match[0]["required"] is True


def test_schemas_state_server_constraints(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    nickname = schemas["ProfileCreate"]["properties"]["nickname"]
    assert (nickname["minLength"], nickname["maxLength"]) == (1, 30)
    assert not re.search(nickname["pattern"], "   ")
    assert re.search(nickname["pattern"], "Ama")
    timezone = schemas["AccountUpdate"]["properties"]["timezone"]["anyOf"][0]
    assert "Africa/Accra" in timezone["enum"]
    assert "Mars/Olympus" not in timezone["enum"]
    speed = schemas["ProfileCreate"]["properties"]["narration_speed"]["anyOf"]
    assert {s["type"] for s in speed} == {"number", "string"}
    assert schemas["ThemeIn"]["properties"]["sort_order"]["maximum"] == 2**31 - 1
    assert "video/mp4" in schemas["UploadCreate"]["properties"]["content_type"]["enum"]
    # Free text says that a NUL is refused, as the input guard refuses it.
    assert schemas["ThemeIn"]["properties"]["description"]["pattern"] == "^[^\\x00]*$"


def test_security_is_stated_as_it_is(document: dict[str, Any]) -> None:
    wrong = []
    for method, path, op in operations(document):
        security = op.get("security")
        if method == "GET" and PUBLIC_READS.match(path):
            if security is not None and {} not in security:
                wrong.append(f"{method} {path}: public read requires a token")
        elif path.startswith("/internal/"):
            if security != [{"GoogleOidc": []}]:
                wrong.append(f"{method} {path}: {security}")
        elif security is not None and {} in security:
            wrong.append(f"{method} {path}: optional token on a private route")
    assert wrong == []
    catalogue = document["paths"]["/api/v1/videos"]["get"]["security"]
    assert {} in catalogue
    assert {"OAuth2PasswordBearer": []} in catalogue
    assert document["paths"]["/api/v1/accounts/me"]["get"]["security"] == [
        {"OAuth2PasswordBearer": []}
    ]


def _is_list(schema: dict[str, Any], schemas: dict[str, Any]) -> bool:
    if "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
    return schema.get("type") == "array"


# Answers that hold an `items` array and are not lists, each with why.
NOT_LISTS = {
    # One assignment; its `items` are the videos, eBooks and DIYs set.
    "GET /api/v1/classrooms/{classroom_id}/assignments/{assignment_id}",
    # A report over a period: the top `limit` items, with the period and the ranking used.
    "GET /api/v1/admin/stats/content",
}


def test_lists_use_the_page_envelope(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    bare, not_pages = [], []
    for method, path, op in operations(document):
        content = op["responses"].get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        if method != "GET" or not schema or f"{method} {path}" in NOT_LISTS:
            continue
        if _is_list(schema, schemas):
            bare.append(f"{method} {path}")
        target = schemas.get(schema.get("$ref", "").rsplit("/", 1)[-1], {})
        props = target.get("properties", {})
        if "items" in props and "next_cursor" not in props:
            not_pages.append(f"{method} {path}")
        if props.get("items", {}).get("type") == "array" and set(props) - {"items", "next_cursor"}:
            not_pages.append(f"{method} {path}: {sorted(props)}")
    assert bare == []
    assert not_pages == []
    for route in (
        "/api/v1/classrooms/invites",
        "/api/v1/classrooms/{classroom_id}/members",
        "/api/v1/profiles/{profile_id}/classrooms",
    ):
        ok = document["paths"][route]["get"]["responses"]["200"]["content"]["application/json"]
        assert ok["schema"]["$ref"].endswith("Page"), route


def test_avatar_svg_declares_its_content_type(document: dict[str, Any]) -> None:
    ok = document["paths"]["/api/v1/profiles/{profile_id}/avatar.svg"]["get"]["responses"]["200"]
    assert "image/svg+xml" in ok["content"]


def test_every_code_in_the_code_is_registered() -> None:
    """A `code="..."` anywhere in app/ must be in app/core/error_codes.py, so the enum
    clients switch on and the README's table cannot drift from what the server answers."""
    patterns = (
        re.compile(r'\bcode\s*=\s*"([a-z0-9_]+)"'),
        re.compile(r'status,\s*code\s*=\s*\d+,\s*"([a-z0-9_]+)"'),
        re.compile(r'super\(\).__init__\(\s*"[^"]*",\s*"([a-z0-9_]+)"'),
        re.compile(r'^_INVALID = "([a-z_]+)"', re.MULTILINE),
        # A unique violation turned into a 409 with its code.
        re.compile(r'flush_unique\([^)]*"([a-z0-9_]+)"\)'),
    )
    found: dict[str, str] = {}
    for file in (ROOT / "app").rglob("*.py"):
        text = file.read_text()
        for pattern in patterns:
            for match in pattern.finditer(text):
                found.setdefault(match.group(1), str(file.relative_to(ROOT)))
    assert "invalid_character" in found
    assert "database_unavailable" in found
    assert {code: file for code, file in found.items() if code not in ERROR_CODES} == {}


def test_readme_lists_every_error_code() -> None:
    readme = (ROOT / "README.md").read_text()
    assert [code for code in ERROR_CODES if f"`{code}`" not in readme] == []


# --- what the rules promise, over HTTP ---------------------------------------------------


async def test_405_allow_lists_every_method_of_the_path(client: httpx.AsyncClient) -> None:
    response = await client.put("/api/v1/accounts/me")
    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM_JSON
    assert set(response.headers["allow"].split(", ")) >= {"GET", "PATCH", "DELETE"}
    assert response.json()["code"] == "method_not_allowed"
    reorder = await client.patch("/api/v1/admin/themes/reorder", json={})
    assert reorder.status_code == 405
    assert "POST" in reorder.headers["allow"]
    assert "PATCH" not in reorder.headers["allow"]


async def test_literal_paths_are_not_shadowed_by_ids(
    client: httpx.AsyncClient, runtime: Any
) -> None:
    headers = await signed_in(runtime, client, "admin@example.com", Role.admin)
    for kind in ("videos", "ebooks", "diys"):
        response = await client.patch(f"/api/v1/admin/{kind}/bulk", json={}, headers=headers)
        assert response.status_code == 405, response.text
        assert response.headers["allow"].split(", ") == ["POST"]
    # A malformed id is no route at all: a 404 problem, not a 422 about a UUID.
    missing = await client.get("/api/v1/admin/videos/not-an-id", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


async def test_patch_without_if_match_is_428(client: httpx.AsyncClient, runtime: Any) -> None:
    headers = await signed_in(runtime, client, "admin@example.com", Role.admin)
    response = await client.patch(
        f"/api/v1/admin/videos/{uuid.uuid4()}", json={"title": "New"}, headers=headers
    )
    assert response.status_code == 428
    assert response.json()["code"] == "precondition_required"
    unknown = await client.patch(
        f"/api/v1/admin/videos/{uuid.uuid4()}", json={"nope": 1}, headers=headers
    )
    assert unknown.status_code == 422


def test_document_is_valid_openapi(document: dict[str, Any]) -> None:
    from openapi_spec_validator import validate

    validate(document)


async def test_a_malformed_profile_id_is_no_route(client: httpx.AsyncClient) -> None:
    # Every route under /profiles/{profile_id} reads it as a UUID, hidden fallbacks included.
    for method in ("GET", "PUT"):
        response = await client.request(
            method, f"/api/v1/profiles/null,null/progress/video/{uuid.uuid4()}", json={}
        )
        assert response.status_code == 404, response.text
        assert response.json()["code"] == "not_found"


async def test_the_stream_refuses_what_its_header_pattern_excludes(
    client: httpx.AsyncClient, runtime: Any, document: dict[str, Any]
) -> None:
    parameters = document["paths"]["/api/v1/notifications/stream"]["get"]["parameters"]
    (header,) = [p for p in parameters if p["name"] == "Last-Event-ID"]
    assert header["schema"]["type"] == "string"  # absent or digits; never `null`
    pattern = header["schema"]["pattern"]
    headers = await signed_in(runtime, client, "parent@example.com")
    for value in ("", "x", "-1"):
        assert not re.search(pattern, value)
        response = await client.get(
            "/api/v1/notifications/stream", headers={**headers, "Last-Event-ID": value}
        )
        assert response.status_code == 400, (value, response.text)
        assert response.json()["code"] == "invalid_event_id"


def test_local_times_state_that_an_offset_is_refused(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for schema, field in (("Reminders", "time"), ("QuietHours", "start"), ("QuietHours", "end")):
        pattern = schemas[schema]["properties"][field]["pattern"]
        assert re.search(pattern, "19:30")
        assert re.search(pattern, "07:05:09.5")
        assert not re.search(pattern, "19:30:00Z")
        assert not re.search(pattern, "19:30+01:00")


async def test_a_number_is_no_date(client: httpx.AsyncClient, runtime: Any) -> None:
    """`format: date`/`date-time` admit ISO text only; pydantic alone reads `0` as 1970."""
    headers = await signed_in(runtime, client, "admin@example.com", Role.admin)
    for path in (
        "/api/v1/admin/stats/overview?to=0",
        "/api/v1/admin/stats/content?from=1.5",
        "/api/v1/admin/audit?to=0.5",
    ):
        response = await client.get(path, headers=headers)
        assert response.status_code == 422, (path, response.text)
    announced = await client.post(
        "/api/v1/admin/announcements",
        json={"title": "Hi", "body": "Hello", "audience": "everyone", "send_at": 0},
        headers=headers,
    )
    assert announced.status_code == 422, announced.text
    fine = await client.get("/api/v1/admin/stats/overview?to=2026-12-01", headers=headers)
    assert fine.status_code in (200, 400), fine.text  # 400: a range the clock refuses
