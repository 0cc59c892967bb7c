from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from app.accounts.models import Role
from app.runtime import Runtime
from tests.progress.fixtures import Catalogue, Explorer, catalogue, clock, explorer, stranger
from tests.support.auth import bearer, login, make_account

__all__ = ["catalogue", "clock", "explorer", "stranger"]

API = "/api/v1"


@dataclass
class Teacher:
    headers: dict[str, str]
    account_id: str
    email: str


async def make_teacher(
    runtime: Runtime, client: httpx.AsyncClient, email: str, name: str | None = "Mrs Mensah"
) -> Teacher:
    account = await make_account(runtime, email, Role.teacher)
    headers = bearer(await login(client, email))
    if name:
        response = await client.patch(
            f"{API}/accounts/me", json={"display_name": name}, headers=headers
        )
        assert response.status_code == 200, response.text
    return Teacher(headers, str(account.id), email)


@pytest.fixture
async def teacher(runtime: Runtime, client: httpx.AsyncClient) -> Teacher:
    return await make_teacher(runtime, client, "mensah@school.example.com")


@pytest.fixture
async def other_teacher(runtime: Runtime, client: httpx.AsyncClient) -> Teacher:
    return await make_teacher(runtime, client, "owusu@school.example.com", "Mr Owusu")


@dataclass
class Room:
    id: str
    code: str
    teacher: Teacher

    def url(self, path: str = "") -> str:
        return f"{API}/classrooms/{self.id}{path}"


async def make_room(
    client: httpx.AsyncClient, teacher: Teacher, name: str = "Primary 3 Blue"
) -> Room:
    response = await client.post(
        f"{API}/classrooms",
        json={"name": name, "grade": "Primary 3", "age_band": "6-8"},
        headers=teacher.headers,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return Room(body["id"], body["join_code"], teacher)


@pytest.fixture
async def room(client: httpx.AsyncClient, teacher: Teacher) -> Room:
    return await make_room(client, teacher)


async def enrol(client: httpx.AsyncClient, explorer: Explorer, code: str) -> httpx.Response:
    return await client.post(
        explorer.url("/classrooms"), json={"code": code}, headers=explorer.parent
    )


@pytest.fixture
async def enrolled(client: httpx.AsyncClient, room: Room, explorer: Explorer) -> Explorer:
    response = await enrol(client, explorer, room.code)
    assert response.status_code == 201, response.text
    return explorer


__all__ += ["Catalogue", "Room", "Teacher", "enrolled", "other_teacher", "room", "teacher"]
