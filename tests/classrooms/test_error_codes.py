"""Every code the classrooms module can answer is one a client knows: registered in
app/core/error_codes.py (the OpenAPI enum of `Problem.code`) and listed in the README's table,
however the code is passed (a keyword, or a unique violation's code to `flush_unique`)."""

from __future__ import annotations

import ast
from pathlib import Path

import httpx

from app.core.error_codes import ERROR_CODES
from tests.classrooms.conftest import Room, Teacher

ROOT = Path(__file__).resolve().parents[2]


def _codes_raised() -> dict[str, str]:
    found: dict[str, str] = {}
    for file in sorted((ROOT / "app" / "classrooms").rglob("*.py")):
        for node in ast.walk(ast.parse(file.read_text())):
            if not isinstance(node, ast.Call):
                continue
            values = [kw.value for kw in node.keywords if kw.arg == "code"]
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "flush_unique" and len(node.args) >= 4:
                values.append(node.args[3])
            for value in values:
                assert isinstance(value, ast.Constant), f"{file}:{node.lineno}: a code literal"
                found.setdefault(str(value.value), f"{file.name}:{node.lineno}")
    return found


def test_every_code_the_module_raises_is_registered_and_in_the_readme() -> None:
    found = _codes_raised()
    assert {"already_invited", "classroom_code_unknown", "classroom_full"} <= set(found)
    assert {code: where for code, where in found.items() if code not in ERROR_CODES} == {}
    readme = (ROOT / "README.md").read_text()
    assert [code for code in found if f"| `{code}` |" not in readme] == []


async def test_a_second_invitation_to_one_address_answers_a_registered_code(
    client: httpx.AsyncClient, room: Room, other_teacher: Teacher
) -> None:
    first = await client.post(
        room.url("/invites"), json={"email": other_teacher.email}, headers=room.teacher.headers
    )
    assert first.status_code == 201, first.text
    again = await client.post(
        room.url("/invites"),
        json={"email": other_teacher.email.upper()},
        headers=room.teacher.headers,
    )
    assert again.status_code == 409, again.text
    assert again.headers["content-type"].startswith("application/problem+json")
    assert again.json()["code"] == "already_invited"
    # The published contract lists it, so a generated client can read the answer.
    contract = (await client.get("/openapi.json")).json()
    assert (
        "already_invited"
        in contract["components"]["schemas"]["Problem"]["properties"]["code"]["enum"]
    )
    pending = await client.get(room.url(), headers=room.teacher.headers)
    assert [i["email"] for i in pending.json()["pending_invites"]] == [other_teacher.email]
