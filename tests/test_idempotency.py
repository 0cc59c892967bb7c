"""Idempotency-Key on the creates that have no natural key: a retry after a dropped answer
finds the first answer and one row; another request under the same key, a request still
running, a bad key, no key and another account each get what the README promises."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.core.config import Settings
from app.core.idempotency import KEY_HEADER, REPLAYED_HEADER, lock_of
from app.jobs.prune import prune
from app.runtime import Runtime
from tests.support.app import app_with
from tests.support.auth import bearer, family, login, make_account, signed_in
from tests.support.catalogue import add, make_themes

API = "/api/v1"


@dataclass
class Write:
    """One create: where it goes, its body, another body, who sends it, where its row is."""

    route: str  # the route's name: keys are per account and per route
    path: str
    body: dict[str, Any]
    other: dict[str, Any]
    headers: dict[str, str]
    table: str


async def _rows(runtime: Runtime, table: str) -> int:
    async with runtime.db.session() as session:
        return int(await session.scalar(sa.text(f'SELECT count(*) FROM "{table}"')) or 0)


async def _teacher(runtime: Runtime, client: httpx.AsyncClient, email: str) -> dict[str, str]:
    await make_account(runtime, email, Role.teacher)
    headers = bearer(await login(client, email))
    named = await client.patch(
        f"{API}/accounts/me", json={"display_name": "Mrs Mensah"}, headers=headers
    )
    assert named.status_code == 200, named.text
    return headers


async def _published_video(runtime: Runtime, client: httpx.AsyncClient) -> str:
    editor = await signed_in(runtime, client, "curator@example.com", Role.editor)
    themes = await make_themes(client, editor, [("video", "stories")])
    return await add(
        client,
        editor,
        "video",
        {"theme_id": themes["stories"], "title": "Ananse and the pot", "duration_ms": 100_000},
    )


async def _profile(runtime: Runtime, client: httpx.AsyncClient) -> Write:
    parent = await family(runtime, client, "parent@example.com")
    return Write(
        "create_profile",
        f"{API}/profiles",
        {"nickname": "Ama", "age_band": "6-8"},
        {"nickname": "Kojo", "age_band": "6-8"},
        parent,
        "profile",
    )


async def _classroom(runtime: Runtime, client: httpx.AsyncClient) -> Write:
    teacher = await _teacher(runtime, client, "mensah@school.example.com")
    return Write(
        "create_classroom",
        f"{API}/classrooms",
        {"name": "Primary 3 Blue", "grade": "Primary 3", "age_band": "6-8"},
        {"name": "Primary 4 Red", "grade": "Primary 4", "age_band": "6-8"},
        teacher,
        "classroom",
    )


async def _assignment(runtime: Runtime, client: httpx.AsyncClient) -> Write:
    video = await _published_video(runtime, client)
    teacher = await _teacher(runtime, client, "mensah@school.example.com")
    room = await client.post(
        f"{API}/classrooms", json={"name": "Primary 3 Blue", "age_band": "6-8"}, headers=teacher
    )
    assert room.status_code == 201, room.text
    body = {"title": "Drums week", "due_date": "2099-06-04"}
    items = [{"kind": "video", "item_id": video}]
    return Write(
        "create_assignment",
        f"{API}/classrooms/{room.json()['id']}/assignments",
        {**body, "items": items},
        {**body, "items": items, "title": "Stories week"},
        teacher,
        "assignment",
    )


async def _upload(runtime: Runtime, client: httpx.AsyncClient) -> Write:
    editor = await signed_in(runtime, client, "editor@example.com", Role.editor)
    body = {"content_type": "image/png", "size_bytes": 1024, "purpose": "image"}
    return Write(
        "admin_create_upload",
        f"{API}/admin/uploads",
        {**body, "filename": "kente.png"},
        {**body, "filename": "adinkra.png"},
        editor,
        "upload",
    )


async def _share_link(runtime: Runtime, client: httpx.AsyncClient) -> Write:
    video = await _published_video(runtime, client)
    parent = await signed_in(runtime, client, "parent@example.com")
    return Write(
        "create_share_link",
        f"{API}/share-links",
        {"kind": "video", "item_id": video},
        {"kind": "video", "item_id": str(uuid.uuid4())},
        parent,
        "share_link",
    )


WRITES: dict[str, Callable[[Runtime, httpx.AsyncClient], Awaitable[Write]]] = {
    "profile": _profile,
    "classroom": _classroom,
    "assignment": _assignment,
    "upload": _upload,
    "share_link": _share_link,
}


def _keyed(write: Write, key: str) -> dict[str, str]:
    return {**write.headers, KEY_HEADER: key}


@pytest.mark.parametrize("kind", list(WRITES))
async def test_a_retry_after_a_dropped_answer_finds_the_first_answer_and_one_row(
    kind: str, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    write = await WRITES[kind](runtime, client)
    before = await _rows(runtime, write.table)
    key = str(uuid.uuid4())
    first = await client.post(write.path, json=write.body, headers=_keyed(write, key))
    assert first.status_code == 201, first.text
    assert REPLAYED_HEADER.lower() not in first.headers
    # The client never saw that answer: it sends the same request again, with the same key.
    retry = await client.post(write.path, json=write.body, headers=_keyed(write, key))
    assert retry.status_code == 201
    assert retry.headers[REPLAYED_HEADER] == "true"
    assert retry.headers["content-type"] == first.headers["content-type"] == "application/json"
    assert retry.content == first.content
    assert await _rows(runtime, write.table) == before + 1
    assert await _rows(runtime, "idempotency_key") == 1

    # The same key with another request: refused, nothing written, the first answer kept.
    other = await client.post(write.path, json=write.other, headers=_keyed(write, key))
    assert other.status_code == 422, other.text
    assert other.json()["code"] == "idempotency_key_reused"
    assert await _rows(runtime, write.table) == before + 1
    again = await client.post(write.path, json=write.body, headers=_keyed(write, key))
    assert (again.status_code, again.content) == (201, first.content)


async def test_without_the_header_nothing_changes(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    write = await _classroom(runtime, client)
    first = await client.post(write.path, json=write.body, headers=write.headers)
    second = await client.post(write.path, json=write.body, headers=write.headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert REPLAYED_HEADER.lower() not in second.headers
    assert await _rows(runtime, "classroom") == 2
    assert await _rows(runtime, "idempotency_key") == 0
    # A profile without a key is refused the second time by its nickname, as ever.
    profile = await _profile(runtime, client)
    assert (await client.post(profile.path, json=profile.body, headers=profile.headers)).is_success
    taken = await client.post(profile.path, json=profile.body, headers=profile.headers)
    assert (taken.status_code, taken.json()["code"]) == (409, "nickname_taken")


async def test_keys_are_per_account(runtime: Runtime, client: httpx.AsyncClient) -> None:
    mine = await _classroom(runtime, client)
    theirs = await _teacher(runtime, client, "owusu@school.example.com")
    key = "class-of-2026"
    first = await client.post(mine.path, json=mine.body, headers=_keyed(mine, key))
    other = await client.post(mine.path, json=mine.body, headers={**theirs, KEY_HEADER: key})
    assert first.status_code == other.status_code == 201
    assert REPLAYED_HEADER.lower() not in other.headers
    assert first.json()["id"] != other.json()["id"]
    assert await _rows(runtime, "classroom") == 2
    assert await _rows(runtime, "idempotency_key") == 2


async def test_keys_are_per_route(runtime: Runtime, client: httpx.AsyncClient) -> None:
    """The same value on another route is another key: the upload does not replay the
    classroom's answer."""
    room = await _classroom(runtime, client)
    upload = await _upload(runtime, client)
    await client.post(room.path, json=room.body, headers=_keyed(room, "k-1"))
    ticket = await client.post(upload.path, json=upload.body, headers=_keyed(upload, "k-1"))
    assert ticket.status_code == 201, ticket.text
    assert "upload_id" in ticket.json()


async def test_a_request_that_failed_kept_nothing_and_runs_again(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    parent = await family(runtime, client, "parent@example.com", consent=False)
    headers = {**parent, KEY_HEADER: "first-explorer"}
    body = {"nickname": "Ama", "age_band": "6-8"}
    refused = await client.post(f"{API}/profiles", json=body, headers=headers)
    assert (refused.status_code, refused.json()["code"]) == (403, "consent_required")
    assert await _rows(runtime, "idempotency_key") == 0
    notice = (await client.get(f"{API}/privacy-notice")).json()
    accepted = await client.post(
        f"{API}/accounts/me/consent", json={"notice_version": notice["version"]}, headers=parent
    )
    assert accepted.status_code == 200
    created = await client.post(f"{API}/profiles", json=body, headers=headers)
    assert created.status_code == 201, created.text
    assert REPLAYED_HEADER.lower() not in created.headers
    assert await _rows(runtime, "profile") == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "café".encode("latin-1"), b"tab\there"], ids=str)
async def test_a_key_is_1_to_255_printable_ascii_characters(
    key: str | bytes, runtime: Runtime, client: httpx.AsyncClient
) -> None:
    write = await _classroom(runtime, client)
    response = await client.post(
        write.path, json=write.body, headers={**write.headers, KEY_HEADER: key}
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["header", KEY_HEADER]
    assert await _rows(runtime, "classroom") == 0
    longest = await client.post(
        write.path, json=write.body, headers={**write.headers, KEY_HEADER: "~ !" * 85}
    )
    assert longest.status_code == 201, longest.text


async def test_an_answer_stops_counting_after_24_hours_and_is_pruned(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    write = await _classroom(runtime, client)
    first = await client.post(write.path, json=write.body, headers=_keyed(write, "old"))
    assert first.status_code == 201
    async with runtime.db.session() as session:
        await session.execute(
            sa.text("UPDATE idempotency_key SET created_at = :at"),
            {"at": datetime.now(UTC) - timedelta(hours=24, minutes=1)},
        )
    # Past its day, the key is new again: the request runs and its answer is kept anew.
    later = await client.post(write.path, json=write.body, headers=_keyed(write, "old"))
    assert later.status_code == 201
    assert REPLAYED_HEADER.lower() not in later.headers
    assert later.json()["id"] != first.json()["id"]
    assert await _rows(runtime, "idempotency_key") == 1
    fresh = await client.post(write.path, json=write.body, headers=_keyed(write, "fresh"))
    assert fresh.status_code == 201
    async with runtime.db.session() as session:
        await session.execute(
            sa.text("UPDATE idempotency_key SET created_at = :at WHERE key = 'old'"),
            {"at": datetime.now(UTC) - timedelta(hours=25)},
        )
    assert "1 idempotency keys" in await prune(runtime)
    async with runtime.db.session() as session:
        kept = (await session.execute(sa.text("SELECT key FROM idempotency_key"))).scalars()
        assert list(kept) == ["fresh"]


# --- concurrency: on a runtime that really commits, each request on its own connection ----


async def test_two_requests_at_once_with_one_key_write_one_row(
    live_runtime: Runtime, live_client: httpx.AsyncClient
) -> None:
    write = await _profile(live_runtime, live_client)
    headers = _keyed(write, "same-moment")
    answers = await asyncio.gather(
        live_client.post(write.path, json=write.body, headers=headers),
        live_client.post(write.path, json=write.body, headers=headers),
    )
    ran = [a for a in answers if a.status_code == 201 and REPLAYED_HEADER.lower() not in a.headers]
    assert len(ran) == 1, [a.text for a in answers]
    (other,) = [a for a in answers if a is not ran[0]]
    if other.status_code == 409:
        assert other.json()["code"] == "idempotency_key_in_flight"
        assert other.headers["retry-after"] == "1"
    else:
        assert (other.status_code, other.headers[REPLAYED_HEADER]) == (201, "true")
        assert other.content == ran[0].content
    assert await _rows(live_runtime, "profile") == 1
    # Whichever it was, the retry after it finds the first answer.
    retry = await live_client.post(write.path, json=write.body, headers=headers)
    assert (retry.status_code, retry.content) == (201, ran[0].content)
    assert retry.headers[REPLAYED_HEADER] == "true"


async def test_a_retry_while_the_first_runs_is_409_with_retry_after(
    live_runtime: Runtime, live_client: httpx.AsyncClient
) -> None:
    write = await _classroom(live_runtime, live_client)
    me = await live_client.get(f"{API}/accounts/me", headers=write.headers)
    account_id = uuid.UUID(me.json()["id"])
    # The first request's transaction, still open: it holds its key's lock.
    async with live_runtime.db.raw_connection() as conn, conn.transaction():
        assert await conn.fetchval(
            "SELECT pg_try_advisory_xact_lock($1)", lock_of(account_id, write.route, "busy")
        )
        busy = await live_client.post(write.path, json=write.body, headers=_keyed(write, "busy"))
    assert busy.status_code == 409, busy.text
    assert busy.json()["code"] == "idempotency_key_in_flight"
    assert busy.headers["retry-after"] == "1"
    assert await _rows(live_runtime, "classroom") == 0
    # Once it is over (here: it failed and kept nothing), the retry runs.
    after = await live_client.post(write.path, json=write.body, headers=_keyed(write, "busy"))
    assert after.status_code == 201, after.text
    assert await _rows(live_runtime, "classroom") == 1


# --- the contract --------------------------------------------------------------------------


def test_the_document_declares_the_header_on_the_five_creates(settings: Settings) -> None:
    document = app_with(settings).openapi()
    declared = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == KEY_HEADER:
                    declared[f"{method.upper()} {path}"] = (parameter, operation)
    assert set(declared) == {
        "POST /api/v1/profiles",
        "POST /api/v1/classrooms",
        "POST /api/v1/classrooms/{classroom_id}/assignments",
        "POST /api/v1/admin/uploads",
        "POST /api/v1/share-links",
    }
    for parameter, operation in declared.values():
        assert parameter["in"] == "header"
        assert parameter.get("required", False) is False
        schema = parameter["schema"]
        assert (schema["minLength"], schema["maxLength"]) == (1, 255)
        assert "idempotency_key_reused" in parameter["description"]
        assert "Idempotent-Replayed" in parameter["description"]
        conflict = operation["responses"]["409"]
        assert "Retry-After" in conflict["headers"]
        assert "Idempotency-Key" in operation["description"]
