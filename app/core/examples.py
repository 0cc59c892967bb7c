"""Working examples for the API document.

The demo content (app/catalog/seed.py, app/quizzes/seed.py...) is made with stable ids:
`demo_id(kind, name)` is a UUID 5 of a fixed namespace and the item's kind and slug or name,
the same on every install. The examples of the catalogue and admin operations name those
ids, so Swagger UI's prefilled requests work as they are on a freshly started demo
(tests/test_operation_examples.py sends each of them).
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import Path

# Fixed for good: changing it changes every demo id and every example.
DEMO_NAMESPACE = uuid.UUID("6f1c2f0e-3b5d-5a9e-9c43-7d0b5e2a91c4")
JSON = "application/json"
# `openapi_examples=` of an If-Match header: `*` edits whatever version is current, so the
# prefilled edit works as it is (a real client sends the ETag it read).
ANY_VERSION: dict[str, Any] = {"any": {"summary": "Whatever version is current", "value": "*"}}


def demo_id(kind: str, name: str) -> uuid.UUID:
    """The id of the demo's `kind` (theme, series, video, ebook, diy, quiz...) called `name`
    (its slug, or its title when it has none)."""
    return uuid.uuid5(DEMO_NAMESPACE, f"{kind}:{name}")


def path_example(value: Any, summary: str = "Demo content") -> Any:
    """A path parameter whose example (Swagger UI fills it in) names demo content."""
    return Path(openapi_examples={"demo": {"summary": summary, "value": str(value)}})


def request_example(value: Any, media_type: str = JSON) -> dict[str, Any]:
    """`openapi_extra=` giving the request body its example (Swagger UI's prefilled body)."""
    return {"requestBody": {"content": {media_type: {"example": value}}}}


def response_example(
    status: int, value: Any, media_type: str = JSON, headers: dict[str, Any] | None = None
) -> dict[int | str, Any]:
    """A `responses=` entry giving the answer of `status` its example (and the `headers` it
    declares, which a second entry for the same status would replace)."""
    answer: dict[str, Any] = {"content": {media_type: {"example": value}}}
    if headers:
        answer["headers"] = headers
    return {status: answer}


def query_examples(openapi_extra: dict[str, Any], **values: Any) -> dict[str, Any]:
    """`openapi_extra=` of a query model (app/core/query.py) with examples for some of its
    parameters, which Swagger UI fills in."""
    for parameter in openapi_extra["parameters"]:
        if parameter["name"] in values:
            parameter["example"] = values[parameter["name"]]
    return openapi_extra
