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
from enum import Enum
from http import HTTPStatus
from typing import Any, TypeVar

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel, BeforeValidator
from pydantic.json_schema import models_json_schema
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
    shared_enums: Iterable[type[Enum]] = (),
    extra_models: Iterable[type[BaseModel]] = (),
    extra_schemas: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Binds the rules above to `app`; call it before the routers are included.
    `shared_enums` are the concepts that are one schema wherever they appear (a parameter
    inlines its enum: it becomes a reference); `extra_models` are schemas a client needs
    that no JSON body carries (the stream's events), `extra_schemas` the same as schemas."""
    shared = {enum.__name__: _enum_schema(enum) for enum in shared_enums}
    extra = list(extra_models)
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
            _add_models(document, extra)
            document["components"]["schemas"].update(extra_schemas or {})
            app.openapi_schema = contract(
                document, rate_limited_prefix, database_prefixes, shared=shared
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _secure(document: dict[str, Any], callers: dict[tuple[str, str], bool], token_url: str) -> None:
    """Each route that needs its caller declares the bearer token (a public read declares
    none, and its 401 for a bad one), and
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
                    # A public read: no security requirement, so a generated client calls it
                    # without signing in; a token sent anyway is still checked (a bad one is
                    # a 401, declared here).
                    operation.setdefault("responses", {}).setdefault("401", {})


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
    # Absent when there is nothing in it, never `null` and never empty.
    problem["properties"]["errors"] = {
        "title": "Errors",
        "type": "array",
        "items": {"$ref": _SCHEMA_REF + "FieldError"},
        "minItems": 1,
        "description": "Each field refused, and why (422 only)",
    }
    return {"Problem": problem, "FieldError": FieldError.model_json_schema()}


def contract(
    document: dict[str, Any],
    rate_limited_prefix: str,
    database_prefixes: tuple[str, ...],
    *,
    shared: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The document FastAPI generated, with the rules of this module applied."""
    _optional_bodies(document)
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
    renamed = _rename_schemas(document)
    _share(renamed, shared or {})
    _input_defaults(renamed)
    _links(renamed)
    return renamed


# --- one schema per concept ------------------------------------------------------------------

SHARED = "x-shared"
# Keywords about the place a schema is used, kept beside the reference.
_PLACE_KEYWORDS = ("description", "default", "examples", "deprecated", "readOnly", "writeOnly")


def shared_schema(name: str, **keywords: Any) -> Callable[[dict[str, Any]], None]:
    """`json_schema_extra` of a type that is one named schema wherever it is used (pydantic
    inlines an Annotated type): the document references `#/components/schemas/<name>`, whose
    schema has `keywords` too (its description and examples)."""

    def mark(schema: dict[str, Any]) -> None:
        schema[SHARED] = {"name": name, **keywords}

    return mark


def _enum_schema(enum: type[Enum]) -> dict[str, Any]:
    return {"title": enum.__name__, "type": "string", "enum": [m.value for m in enum]}


def _share(document: dict[str, Any], shared: dict[str, dict[str, Any]]) -> None:
    """Every inline enum with the values of a shared enum, and every schema marked by
    `shared_schema`, becomes a reference to its one component. Two components with the
    same values under two names are an error: one concept, one schema."""
    schemas = document["components"]["schemas"]
    by_values: dict[frozenset[Any], str] = {}
    for name, schema in shared.items():
        if name in schemas and schemas[name].get("enum") != schema["enum"]:
            raise RuntimeError(f"schema {name!r} exists with other values")
        schemas[name] = schema
        by_values[frozenset(schema["enum"])] = name
    for name, schema in schemas.items():
        if "enum" in schema and schema.get("type") == "string" and name not in shared:
            values = frozenset(schema["enum"])
            if values in by_values:
                raise RuntimeError(f"{name!r} repeats the enum {by_values[values]!r}")
            by_values[values] = name

    def visit(node: Any, top: bool) -> None:
        if isinstance(node, list):
            for value in node:
                visit(value, False)
            return
        if not isinstance(node, dict):
            return
        marked = dict(node.pop(SHARED, None) or {}) or None
        name = marked.pop("name") if marked else None
        if name is None and not top and "enum" in node and "$ref" not in node:
            name = by_values.get(frozenset(node["enum"]))
        if name is not None:
            kept = {k: node[k] for k in _PLACE_KEYWORDS if k in node}
            own = {k: v for k, v in node.items() if k not in _PLACE_KEYWORDS and k != "title"}
            branches = [b for b in own.pop("anyOf", []) if b.get("type") != "null"]
            if len(branches) == 1:  # marked on an optional parameter: its value's schema
                own.update(branches[0])
            schemas.setdefault(name, {"title": name, **own, **(marked or {})})
            node.clear()
            node.update({"$ref": _SCHEMA_REF + name, **kept})
            return
        for value in node.values():
            visit(value, False)

    visit(document["paths"], False)
    for schema in list(schemas.values()):
        visit(schema, True)
    document["components"]["schemas"] = dict(sorted(schemas.items()))


# --- bodies, links, extra models -------------------------------------------------------------


def _optional_bodies(document: dict[str, Any]) -> None:
    """An optional body is left out, not sent as `null`: its schema is the object alone, so
    a generated client's signature makes it truly optional."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            body = operation.get("requestBody")
            if not body or body.get("required"):
                continue
            for media in body.get("content", {}).values():
                schema = media.get("schema", {})
                branches = [b for b in schema.get("anyOf", []) if b.get("type") != "null"]
                if "anyOf" in schema and len(branches) == 1:
                    media["schema"] = {
                        **branches[0],
                        **{k: v for k, v in schema.items() if k in _PLACE_KEYWORDS},
                    }
                    media["schema"].pop("default", None)


def _refs(node: Any) -> Iterator[str]:
    for schema in _walk(node):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(_SCHEMA_REF):
            yield ref.removeprefix(_SCHEMA_REF)


def _input_defaults(document: dict[str, Any]) -> None:
    """A field a request may leave out says so by not being required; its `default` is
    stated in words. As a keyword, generators read a default as "always there" (TypeScript
    types from openapi-typescript's defaults make such a field required), which holds for
    an answer but not for a request: a schema a request body uses states its defaults in
    its description only."""
    schemas = document["components"]["schemas"]
    inputs: set[str] = set()
    todo = [
        name
        for operations in document["paths"].values()
        for operation in operations.values()
        for name in _refs(operation.get("requestBody", {}))
    ]
    while todo:
        name = todo.pop()
        if name not in inputs and name in schemas:
            inputs.add(name)
            todo.extend(_refs(schemas[name]))
    for name in inputs:
        for field in schemas[name].get("properties", {}).values():
            if "default" in field:
                default = json.dumps(field.pop("default"))
                said = f"Default: `{default}`."
                field["description"] = (
                    f"{field['description']} {said}" if field.get("description") else said
                )


def _add_models(document: dict[str, Any], models: list[type[BaseModel]]) -> None:
    if not models:
        return
    _, top = models_json_schema(
        [(model, "serialization") for model in models], ref_template=_SCHEMA_REF + "{model}"
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in top.get("$defs", {}).items():
        schemas.setdefault(name, schema)


_READ_METHODS = {"get": "Read", "put": "Replace", "patch": "Update", "delete": "Delete"}


def _links(document: dict[str, Any]) -> None:
    """Each create links its answer's `id` to the read, update and delete of what it made
    (`/things` -> `/things/{thing_id}`), so a client, and stateful testing, follows real ids;
    the path parameters of the create are passed on as they were sent."""
    paths = document["paths"]
    schemas = document["components"]["schemas"]
    for path, operations in paths.items():
        create = operations.get("post")
        if create is None:
            continue
        success = next((s for s in ("201", "200") if s in create["responses"]), None)
        if success is None:
            continue
        schema = create["responses"][success].get("content", {}).get("application/json", {})
        ref = schema.get("schema", {}).get("$ref", "")
        body = schemas.get(ref.removeprefix(_SCHEMA_REF), {})
        if "id" not in body.get("properties", {}):
            continue
        links: dict[str, Any] = {}
        for child, child_ops in paths.items():
            found = re.fullmatch(re.escape(path) + r"/\{(\w+)\}", child)
            if found is None:
                continue
            for method, op in child_ops.items():
                if method not in _READ_METHODS:
                    continue
                parameters = {
                    p["name"]: f"$request.path.{p['name']}"
                    for p in op.get("parameters", [])
                    if p.get("in") == "path" and p["name"] != found.group(1)
                }
                parameters[found.group(1)] = "$response.body#/id"
                links[f"{_READ_METHODS[method]}{_camel(op['operationId'])}"] = {
                    "operationId": op["operationId"],
                    "parameters": parameters,
                    "description": f"`{method.upper()} {child}` of what was created",
                }
        if links:
            create["responses"][success]["links"] = links


def _camel(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))
