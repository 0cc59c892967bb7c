"""The HTTP contract by rule, for every route of every module, in one place.

The apps generate their clients from `/openapi.json`, so the document must say what the
server does. Declaring that per route drifts the day a module forgets one line; here it is
derived once from what each route is:

- every error status answers a `Problem` under `application/problem+json`, whose `code` is
  the enum of app/core/error_codes.py (FastAPI's HTTPValidationError is gone);
- statuses by route property: 400 (body not JSON, NUL in the path or query, a forged cursor)
  and 422 on a route with parameters or a body, 413 with a body, 401 with a token, 403 with a
  required one, 404 with path parameters, 429 (Retry-After) under the per-IP budget, 503
  (Retry-After) wherever the database or cache is used, 500 everywhere;
- operation ids are the endpoint's name (`list_videos`), schema names are plain CamelCase
  (`AdminAccountOutPage`, not `Page_AdminAccountOut_`);
- strings state that a NUL is refused (the input guard answers it before any route);
- a path parameter that is a UUID only matches a UUID, so `/admin/videos/bulk` is never read
  as an id: a method the literal path lacks is a 405, not a 422 about a UUID.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from http import HTTPStatus
from typing import Any, TypeVar

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BeforeValidator
from starlette.routing import compile_path

from app.core.error_codes import ERROR_CODES
from app.core.errors import PROBLEM_JSON, FieldError, Problem

# JSON strings, paths and queries with a NUL are refused by app/core/input_guard.py.
NO_NUL = "^[^\\x00]*$"
# A string the server trims: something left after trimming, and no NUL.
NOT_BLANK = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
RETRY_AFTER = {
    "description": "Seconds to wait before trying again",
    "schema": {"type": "integer", "minimum": 0},
}
WWW_AUTHENTICATE = {"description": "Bearer", "schema": {"type": "string"}}
OPERATION_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_SCHEMA_REF = "#/components/schemas/"


_NUMBER = re.compile(r"\s*[-+]?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?\s*")


def _iso_only(value: Any) -> Any:
    if isinstance(value, bool | int | float) or (
        isinstance(value, str) and _NUMBER.fullmatch(value)
    ):
        raise ValueError("a date or time is ISO 8601 text, e.g. 2026-12-02 or 2026-12-02T09:00Z")
    return value


# On a date or datetime field: pydantic reads a number as seconds since 1970, which the
# schema's `format: date`/`date-time` does not admit; refused, so the schema tells the truth.
ISO_ONLY = BeforeValidator(_iso_only)


def operation_id(route: APIRoute) -> str:
    """The endpoint's name (`name=` or the function's): stable, readable and, checked by
    tests/test_openapi_contract.py, unique."""
    return route.name


def uuid_paths(router: APIRouter) -> None:
    """A `{id}` typed UUID matches only a UUID (Starlette's `uuid` convertor), so a literal
    sibling path (`/bulk`, `/reorder`) is never taken for an id by another method's route.
    Applied to a router before it is included: the app compiles its routes from `path`."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        for param in _path_params(route.dependant):
            if param.field_info.annotation is uuid.UUID:
                route.path = route.path.replace(f"{{{param.name}}}", f"{{{param.name}:uuid}}")


def _path_params(dependant: Any) -> Iterator[Any]:
    """The route's path parameters, also those its dependencies read (`ProfileDep`)."""
    yield from dependant.path_params
    for dependency in dependant.dependencies:
        yield from _path_params(dependency)


def route_methods(
    mounts: Iterable[tuple[APIRouter, str]],
) -> list[tuple[re.Pattern[str], set[str]]]:
    """For a 405's Allow (app/core/errors.py), in routing order: each path template's
    compiled path and the methods of every route declared on that template. The first
    template matching a URL is its resource, as routing would pick it."""
    templates: dict[str, tuple[re.Pattern[str], set[str]]] = {}
    for router, prefix in mounts:
        for route in router.routes:
            if isinstance(route, APIRoute) and route.include_in_schema:
                regex, _, _ = compile_path(prefix + route.path)
                entry = templates.setdefault(prefix + route.path_format, (regex, set()))
                entry[1].update(route.methods or ())
    return list(templates.values())


def _calls(dependant: Any) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _calls(dependency)


_READS_CALLER = "__reads_caller__"
F = TypeVar("F", bound=Callable[..., Any])


def reads_caller(*, required: bool) -> Callable[[F], F]:
    """Marks a dependency that reads the request's caller: the routes depending on it declare
    the bearer token in the document, required or optional (a public read takes one to
    personalise, or to refuse a bad one)."""

    def mark(dependency: F) -> F:
        setattr(dependency, _READS_CALLER, required)
        return dependency

    return mark


def token_routes(mounts: Iterable[tuple[APIRouter, str]]) -> dict[tuple[str, str], bool]:
    """(METHOD, path) of routes that read the caller, and whether they need one."""
    found: dict[tuple[str, str], bool] = {}
    for router, prefix in mounts:
        for route in router.routes:
            if isinstance(route, APIRoute):
                marks = [getattr(call, _READS_CALLER, None) for call in _calls(route.dependant)]
                if any(mark is not None for mark in marks):
                    for method in route.methods or ():
                        found[(method, prefix + route.path_format)] = True in marks
    return found


SCHEME = "OAuth2PasswordBearer"


def declare(app: FastAPI, router: APIRouter, prefix: str) -> None:
    """Declares `router`'s routes on the app's own router, under `prefix`.

    `include_router` keeps each router as a branch that every request walks twice (once to
    match, once to dispatch), with the bookkeeping of nested contexts at each level: a tenth
    of a catalogue list's CPU, measured. Declared on the app, a route is matched once, in
    the order the modules are mounted, and is the same route in every other respect (the
    router's tags, dependencies and responses are already part of each of its routes)."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            raise TypeError(f"{prefix}: only API routes can be declared, not {route!r}")
        app.router.add_api_route(
            prefix + route.path,
            route.endpoint,
            response_model=route.response_model,
            status_code=route.status_code,
            tags=list(route.tags),
            dependencies=list(route.dependencies),
            summary=route.summary,
            description=route.description,
            response_description=route.response_description,
            responses=dict(route.responses),
            deprecated=route.deprecated,
            methods=set(route.methods or ()),
            operation_id=route.operation_id,
            response_model_include=route.response_model_include,
            response_model_exclude=route.response_model_exclude,
            response_model_by_alias=route.response_model_by_alias,
            response_model_exclude_unset=route.response_model_exclude_unset,
            response_model_exclude_defaults=route.response_model_exclude_defaults,
            response_model_exclude_none=route.response_model_exclude_none,
            include_in_schema=route.include_in_schema,
            response_class=route.response_class,
            name=route.name,
            route_class_override=type(route),
            callbacks=route.callbacks,
            openapi_extra=route.openapi_extra,
            strict_content_type=route.strict_content_type,
            max_body_size=route.max_body_size,
            form_limits=route.form_limits,
        )


def install(
    app: FastAPI,
    mounts: Iterable[tuple[APIRouter, str]],
    *,
    token_url: str,
    rate_limited_prefix: str,
    database_prefixes: tuple[str, ...],
) -> None:
    """Binds the rules above to `app`; call it before the routers are included."""
    mounts = list(mounts)
    for router, _ in mounts:
        uuid_paths(router)
    app.state.route_methods = route_methods(mounts)
    callers = token_routes(mounts)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
                servers=app.servers,
            )
            _secure(document, callers, token_url)
            app.openapi_schema = contract(document, rate_limited_prefix, database_prefixes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _secure(document: dict[str, Any], callers: dict[tuple[str, str], bool], token_url: str) -> None:
    """Each route that reads its caller declares the bearer token (optional: `{}` too), and
    the scheme is the OAuth2 password flow Swagger UI's Authorize signs in with. A route's
    own security dependencies (a stream ticket) are alternatives to the token: with them an
    optional token is not optional any more, one of them is needed."""
    schemes = document.setdefault("components", {}).setdefault("securitySchemes", {})
    schemes[SCHEME] = {
        "type": "oauth2",
        "flows": {"password": {"scopes": {}, "tokenUrl": token_url}},
    }
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            needed = callers.get((method.upper(), path))
            if needed is not None:
                others = operation.get("security", [])
                bearer: list[dict[str, list[str]]] = [{SCHEME: []}]
                if needed or others:
                    operation["security"] = [*bearer, *others]
                else:
                    operation["security"] = [{}, *bearer]


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _no_nul(node: Any) -> None:
    """Every free-text string states the guard's rule (formats, enums and patterns of their
    own already exclude a NUL)."""
    for schema in _walk(node):
        if schema.get("type") == "object" and schema.get("additionalProperties") is not False:
            schema.setdefault("propertyNames", {"pattern": NO_NUL})
        if (
            schema.get("type") == "string"
            and not {"format", "enum", "const", "pattern", "contentMediaType"} & schema.keys()
        ):
            schema["pattern"] = NO_NUL


def _clean_name(name: str) -> str:
    """`Page_AdminAccountOut_` -> `AdminAccountOutPage`; `app__catalog__schemas__ReorderIn` ->
    `CatalogReorderIn`; `Body_token` -> `TokenBody`."""
    if name.startswith("Page_") and name.endswith("_"):
        return _clean_name(name[5:-1]) + "Page"
    if name.startswith("Body_"):
        return "".join(p.title() for p in name[5:].split("_") if p) + "Body"
    if name.startswith("app__"):
        parts = name.split("__")
        return parts[1].title().replace("_", "") + parts[-1]
    return re.sub(r"[^A-Za-z0-9]", "", name)


def _rename_schemas(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document.get("components", {}).get("schemas", {})
    renames = {name: _clean_name(name) for name in schemas if _clean_name(name) != name}
    if not renames:
        return document
    text = json.dumps(document)
    for old, new in renames.items():
        if new in schemas:
            raise RuntimeError(f"schema {old!r} would be renamed to {new!r}, which exists")
        text = text.replace(f'"{_SCHEMA_REF}{old}"', f'"{_SCHEMA_REF}{new}"')
    renamed: dict[str, Any] = json.loads(text)
    old_schemas = renamed["components"]["schemas"]
    renamed["components"]["schemas"] = {
        renames.get(name, name): schema for name, schema in sorted(old_schemas.items())
    }
    # Generators name a model by its title: two modules' `ReorderIn` (or `Status`) must not
    # meet as one class, so a renamed schema's title is its new name.
    for new in renames.values():
        schema = renamed["components"]["schemas"][new]
        if "title" in schema:
            schema["title"] = new
    return renamed


def _problem_example(status: int) -> dict[str, Any] | None:
    """A problem document of `status` as the server writes it: the status's generic code
    (the first of the table answered with it; 422: `validation_error`, with a field error)."""
    code = "validation_error" if status == 422 else None
    code = code or next((name for name, c in ERROR_CODES.items() if c.status == status), None)
    if code is None:
        return None
    example: dict[str, Any] = {
        "type": f"urn:wonderspaced:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": ERROR_CODES[code].meaning,
        "code": code,
    }
    if status == 422:
        example["errors"] = [
            {
                "loc": ["body", "title"],
                "msg": "String should have at least 1 character",
                "type": "string_too_short",
            }
        ]
    return example


def _problem_response(status: int, existing: dict[str, Any] | None) -> dict[str, Any]:
    media: dict[str, Any] = {"schema": PROBLEM_REF}
    example = _problem_example(status)
    if example is not None:
        media["example"] = example
    response: dict[str, Any] = {
        "description": (existing or {}).get("description") or HTTPStatus(status).phrase,
        "content": {PROBLEM_JSON: media},
    }
    headers = dict((existing or {}).get("headers", {}))
    if status in (429, 503):
        headers["Retry-After"] = RETRY_AFTER
    if status == 401:
        headers["WWW-Authenticate"] = WWW_AUTHENTICATE
    if headers:
        response["headers"] = headers
    if status == 422:
        response["description"] = "Invalid input: `errors` names each field and why"
    return response


def _statuses(
    path: str,
    operation: dict[str, Any],
    rate_limited_prefix: str,
    database_prefixes: tuple[str, ...],
) -> set[int]:
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    security = operation.get("security")
    statuses = {500}
    if parameters or has_body:
        statuses |= {400, 422}
    if has_body:
        statuses.add(413)
    if security:
        statuses.add(401)
        if {} not in security:
            statuses.add(403)
    if any(p.get("in") == "path" for p in parameters):
        statuses.add(404)
    if path.startswith(rate_limited_prefix):
        statuses.add(429)
    if path.startswith(database_prefixes):
        statuses.add(503)
    return statuses


def _problem_schemas() -> dict[str, Any]:
    problem = Problem.model_json_schema(ref_template=_SCHEMA_REF + "{model}")
    problem.pop("$defs", None)
    problem["properties"]["code"] = {
        "title": "Code",
        "type": "string",
        "enum": sorted(ERROR_CODES),
        "description": "What went wrong, for code to switch on (README: Error codes)",
    }
    return {"Problem": problem, "FieldError": FieldError.model_json_schema()}


def contract(
    document: dict[str, Any],
    rate_limited_prefix: str,
    database_prefixes: tuple[str, ...],
) -> dict[str, Any]:
    """The document FastAPI generated, with the rules of this module applied."""
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas.update(_problem_schemas())
    for path, operations in document.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            wanted = {int(s) for s in responses if s.isdigit() and int(s) >= 400}
            wanted |= _statuses(path, operation, rate_limited_prefix, database_prefixes)
            for status in sorted(wanted):
                responses[str(status)] = _problem_response(status, responses.get(str(status)))
            operation["responses"] = dict(sorted(responses.items()))
            for parameter in operation.get("parameters", []):
                _no_nul(parameter.get("schema"))
            _no_nul(operation.get("requestBody"))
    for name, schema in schemas.items():
        if name not in ("Problem", "FieldError"):
            _no_nul(schema)
    return _rename_schemas(document)
