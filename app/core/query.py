"""A query string validated as one pydantic model, in one pass, for the hottest routes.

FastAPI's own handling of a query model (`Annotated[Model, Query()]`) walks the model's
fields in Python on every request; on a catalogue list that measured more than all of
routing (bench/README.md). `QueryModel.from_request` validates the whole query string in
one call and answers the same 422 problem (`loc` starts with "query");
`QueryModel.openapi()` documents the fields as query parameters, as FastAPI would.
"""

from __future__ import annotations

from typing import Any, Self

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError


class QueryModel(BaseModel):
    @classmethod
    def from_request(cls, request: Request) -> Self:
        try:
            return cls.model_validate(request.query_params)
        except ValidationError as exc:
            raise RequestValidationError(
                [{**error, "loc": ("query", *error["loc"])} for error in exc.errors()]
            ) from None

    @classmethod
    def openapi(cls) -> dict[str, Any]:
        """`openapi_extra=` for a route that reads this model from its query string."""
        schema = cls.model_json_schema()
        definitions = schema.get("$defs", {})
        required = set(schema.get("required", ()))
        parameters = []
        for name, field_schema in schema["properties"].items():
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
