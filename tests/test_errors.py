"""Every error is an RFC 9457 problem document with a stable code."""

from __future__ import annotations

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, Field, ValidationError

from app.core.errors import Conflict, field_errors, invalid_field
from app.runtime import Runtime


class Pet(BaseModel):
    name: str = Field(min_length=1, max_length=20)
    age: int = Field(ge=0)


routes = APIRouter(prefix="/test")


@routes.post("/pets")
async def create_pet(pet: Pet) -> Pet:
    return pet


@routes.get("/boom")
async def boom() -> None:
    raise RuntimeError("database password is hunter2")


@routes.get("/conflict")
async def conflict() -> None:
    raise Conflict("That name is taken.", code="name_taken")


@routes.post("/pets/checked")
async def create_checked_pet(body: dict[str, object]) -> Pet:
    """A model checked in the handler, as services do with stored JSON."""
    try:
        return Pet.model_validate(body["pet"])
    except ValidationError as exc:
        raise invalid_field(["body", "pet"], "not a pet", type="pet") from exc


@pytest.fixture
def test_client(routes_client: httpx.AsyncClient) -> httpx.AsyncClient:
    return routes_client


def _assert_problem(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"urn:wonderspaced:problem:{code}"
    assert body["title"]
    return body


async def test_unknown_route_is_a_404_problem(test_client: httpx.AsyncClient) -> None:
    body = _assert_problem(await test_client.get("/api/v1/nothing-here"), 404, "not_found")
    assert "/api/v1/nothing-here" in body["detail"]


async def test_wrong_method_is_a_405_problem(test_client: httpx.AsyncClient) -> None:
    _assert_problem(await test_client.delete("/health/live"), 405, "method_not_allowed")


async def test_validation_errors_list_each_field(test_client: httpx.AsyncClient) -> None:
    response = await test_client.post("/test/pets", json={"name": "", "age": -1})
    body = _assert_problem(response, 422, "validation_error")
    locations = {tuple(err["loc"]) for err in body["errors"]}
    assert locations == {("body", "name"), ("body", "age")}
    assert all(err["msg"] for err in body["errors"])


async def test_malformed_json_is_a_422_problem(test_client: httpx.AsyncClient) -> None:
    response = await test_client.post(
        "/test/pets", content=b"{not json", headers={"content-type": "application/json"}
    )
    _assert_problem(response, 422, "validation_error")


async def test_domain_errors_keep_their_code(test_client: httpx.AsyncClient) -> None:
    body = _assert_problem(await test_client.get("/test/conflict"), 409, "name_taken")
    assert body["detail"] == "That name is taken."


async def test_oversized_body_is_a_413_problem(
    test_client: httpx.AsyncClient, runtime: Runtime
) -> None:
    too_big = b"x" * (runtime.settings.max_body_bytes + 1)
    response = await test_client.post(
        "/test/pets", content=too_big, headers={"content-type": "application/json"}
    )
    _assert_problem(response, 413, "payload_too_large")


async def test_oversized_streamed_body_is_a_413_problem(
    test_client: httpx.AsyncClient, runtime: Runtime
) -> None:
    chunk = b"x" * 65536
    count = runtime.settings.max_body_bytes // len(chunk) + 2

    async def stream():
        for _ in range(count):
            yield chunk

    response = await test_client.post(
        "/test/pets", content=stream(), headers={"content-type": "application/json"}
    )
    _assert_problem(response, 413, "payload_too_large")


async def test_crash_is_a_500_problem_that_reveals_nothing(
    test_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    response = await test_client.get("/test/boom", headers={"X-Request-ID": "req-crash-1"})
    body = _assert_problem(response, 500, "internal_error")
    assert "hunter2" not in response.text
    assert "RuntimeError" not in response.text
    assert "req-crash-1" in body["detail"]
    assert response.headers["x-request-id"] == "req-crash-1"
    logged = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(logged) == 1, "the crash is logged once"


def test_the_500_answer_is_written_once(routes_app: FastAPI) -> None:
    """The outermost middleware answers crashes; no Exception handler that would never run."""
    assert Exception not in routes_app.exception_handlers


def test_pydantic_errors_become_field_errors_under_a_prefix() -> None:
    with pytest.raises(ValidationError) as caught:
        Pet.model_validate({"name": "", "age": -1})
    errors = field_errors(caught.value.errors(), prefix=("body", "pets", 2))
    assert [e.loc for e in errors] == [["body", "pets", 2, "name"], ["body", "pets", 2, "age"]]
    assert {e.type for e in errors} == {"string_too_short", "greater_than_equal"}


async def test_one_field_error_is_a_422_problem(test_client: httpx.AsyncClient) -> None:
    response = await test_client.post("/test/pets/checked", json={"pet": {"name": ""}})
    body = _assert_problem(response, 422, "validation_error")
    assert body["errors"] == [{"loc": ["body", "pet"], "msg": "not a pet", "type": "pet"}]


async def test_request_id_is_echoed_or_generated(test_client: httpx.AsyncClient) -> None:
    given = await test_client.get("/health/live", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    generated = await test_client.get("/health/live")
    assert len(generated.headers["x-request-id"]) == 32
    hostile = await test_client.get("/health/live", headers={"X-Request-ID": 'a b"<script>'})
    assert hostile.headers["x-request-id"] != 'a b"<script>'


async def test_security_headers_are_set(test_client: httpx.AsyncClient) -> None:
    response = await test_client.get("/health/live")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'none'" in response.headers["content-security-policy"]


async def test_openapi_documents_problem_responses(test_client: httpx.AsyncClient) -> None:
    spec = (await test_client.get("/openapi.json")).json()
    ready = spec["paths"]["/health/ready"]["get"]["responses"]
    assert "503" in ready
    assert "Problem" in spec["components"]["schemas"]
