"""A query string validated as one pydantic model, in one pass, for the hottest routes.

FastAPI's own handling of a query model (`Annotated[Model, Query()]`) walks the model's
fields in Python on every request; on a catalogue list that measured more than all of
routing (bench/README.md). `QueryModel.parse` validates the whole query string in one call
and answers the same 422 problem (`loc` starts with "query"); `QueryModel.openapi()`
documents the fields as query parameters, as FastAPI would.

The validated model is also what identifies a request to a cache (`cache_params`): its
fields, normalised and with their defaults, never the raw query text. Unknown parameters
are ignored, so they cannot change a key; parameters a route must refuse rather than ignore
(a filter that does not apply to it) are named in `refused`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Self

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError


class QueryModel(BaseModel):
    # name -> why: a known filter this route cannot apply, answered 422 rather than ignored
    # (ignoring it would answer a different question than the one asked).
    refused: ClassVar[Mapping[str, str]] = {}

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> Self:
        for name, why in cls.refused.items():
            if name in params:
                raise RequestValidationError(
                    [{"loc": ("query", name), "msg": why, "type": "not_applicable"}]
                )
        try:
            return cls.model_validate(params)
        except ValidationError as exc:
            raise RequestValidationError(
                [{**error, "loc": ("query", *error["loc"])} for error in exc.errors()]
            ) from None

    @classmethod
    def from_request(cls, request: Request) -> Self:
        return cls.parse(request.query_params)

    def cache_params(self) -> str:
        """The normalised parameters as text, for a cache key: every field, defaults included,
        so `?limit=20`, `?limit=020` and no limit at all are one key."""
        return type(self).__pydantic_serializer__.to_json(self).decode()

    @classmethod
    def openapi(cls) -> dict[str, Any]:
        """`openapi_extra=` for a route that reads this model from its query string."""
        schema = cls.model_json_schema()
        definitions = schema.get("$defs", {})
        required = set(schema.get("required", ()))
        parameters = []
        for name, field_schema in schema.get("properties", {}).items():
            parameter: dict[str, Any] = {
                "name": name,
                "in": "query",
                "required": name in required,
                "schema": _inline(field_schema, definitions),
            }
            if "description" in field_schema:
                parameter["description"] = field_schema["description"]
            parameters.append(parameter)
        return {"parameters": parameters}


def _inline(node: Any, definitions: dict[str, Any]) -> Any:
    """The schema with `$ref`s to its own definitions replaced by what they name."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(definitions[node["$ref"].rsplit("/", 1)[-1]], definitions)
        return {key: _inline(value, definitions) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(value, definitions) for value in node]
    return node
