"""Every operation of the document says what a client developer needs: a sentence for a
summary (never the function's name), a description with what it does, who may call it, the
rules the server enforces beyond the schema and what a retry does, and one tag, its
module's. Who may call it agrees with the route matrix (tests/test_route_matrix.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from app.api import create_app
from app.core.config import Settings
from app.core.error_codes import ERROR_CODES
from tests.test_route_matrix import ROUTES, Access

ROLES = ("anonymous", "explorer", "parent", "teacher", "editor", "admin")
SECTIONS = ("**Who may call:**", "**Rules:**", "**Retries:**")
# What the "who may call" paragraph names, by the route's access class.
NAMED: dict[Access, tuple[str, ...]] = {
    Access.public: ("anyone",),
    Access.health: ("anyone",),
    Access.signed_in: ("signed-in", "explorer"),
    Access.grown_up: ("grown-up", "explorer"),
    Access.profile: ("explorer", "parent"),
    Access.parent_profile: ("parent",),
    Access.editor: ("editor", "admin"),
    Access.teacher: ("teacher", "admin"),
    Access.classroom: ("teacher", "admin"),
    Access.admin: ("admin",),
    Access.internal: ("task",),
}
# The tags a client developer finds operations under: one per module.
TAGS = {
    "accounts",
    "auth",
    "avatars",
    "catalogue",
    "classrooms",
    "health",
    "internal",
    "library",
    "limits",
    "media",
    "notifications",
    "profiles",
    "progress",
    "quizzes",
    "reports",
    "rewards",
    "share links",
    "stats",
    "audit",
}


def _operations() -> list[tuple[str, dict[str, Any]]]:
    app = create_app(settings=Settings(database_url="postgresql+asyncpg://unused@127.0.0.1/x"))
    return [
        (f"{method.upper()} {path}", operation)
        for path, item in app.openapi()["paths"].items()
        for method, operation in item.items()
    ]


OPERATIONS = _operations()


# "409 `theme_not_empty`", "422 `past`"...: a status and the problem codes it answers with.
STATUS_AND_CODES = re.compile(r"\b[1-5][0-9]{2} ((?:`[a-z_]+`(?:, | or )?)+)")


def _humanized(operation_id: str) -> str:
    return operation_id.replace("_", " ").title()


def _who(description: str) -> str:
    paragraph = description.split("**Who may call:**", 1)[1]
    return paragraph.split("\n\n", 1)[0].lower()


def test_the_document_has_every_operation() -> None:
    assert len(OPERATIONS) > 150


@pytest.mark.parametrize(("route", "operation"), OPERATIONS, ids=[r for r, _ in OPERATIONS])
def test_each_operation_is_described_for_a_client_developer(
    route: str, operation: dict[str, Any]
) -> None:
    summary = operation.get("summary", "")
    assert summary, f"{route}: no summary"
    assert summary != _humanized(operation["operationId"]), f"{route}: summary is the name"
    assert summary[0].isupper(), f"{route}: {summary!r} is no sentence"
    assert summary.endswith("."), f"{route}: {summary!r} is no sentence"
    assert len(operation.get("tags", [])) == 1, f"{route}: tags {operation.get('tags')}"
    assert operation["tags"][0] in TAGS, f"{route}: tag {operation['tags'][0]!r}"

    description = operation.get("description", "")
    missing = [section for section in SECTIONS if section not in description]
    assert not missing, f"{route}: description lacks {missing}"
    what = description.split("**Who may call:**", 1)[0].strip()
    assert len(what) > 20, f"{route}: no sentence on what it does"
    who = _who(description)
    assert any(re.search(rf"\b{role}s?\b", who) for role in (*ROLES, "anyone", "task")), route
    for word in NAMED[ROUTES[route]]:
        assert word in who, f"{route} ({ROUTES[route].name}): who may call names no {word!r}"
    for codes in STATUS_AND_CODES.findall(description):
        for code in re.findall(r"`([a-z_]+)`", codes):
            assert code in ERROR_CODES, f"{route}: names the problem code {code!r}, which is none"


@pytest.mark.parametrize(("route", "operation"), OPERATIONS, ids=[r for r, _ in OPERATIONS])
def test_each_body_and_answer_has_an_example(route: str, operation: dict[str, Any]) -> None:
    """What Swagger UI prefills and what a client developer reads first: an example of every
    request body and of every answer with content, error documents included."""
    for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
        assert "example" in media, f"{route}: the {media_type} body has no example"
    for status, response in operation["responses"].items():
        for media_type, media in response.get("content", {}).items():
            assert "example" in media, f"{route}: the {status} {media_type} answer has no example"
