"""Join codes under a burst of guesses: every code typed (lookup or join) is counted before it
is checked, so parallel wrong guesses get no more answers than the budget, per account and per
client address, and the rest a 429 with Retry-After."""

from __future__ import annotations

import asyncio

import httpx
import sqlalchemy as sa

from app.classrooms.enrolment import CODE_LIMIT_ACCOUNT, CODE_LIMIT_IP
from app.runtime import Runtime
from tests.classrooms.conftest import API, enrol, make_room, make_teacher
from tests.progress.fixtures import Explorer, make_explorer
from tests.support.clock import fresh_window


async def _guess(client: httpx.AsyncClient, explorer: Explorer, n: int) -> httpx.Response:
    """A wrong code: looked up, or typed to join (every other one)."""
    code = f"WRNG{n:04d}"
    if n % 2:
        return await enrol(client, explorer, code)
    return await client.get(
        f"{API}/classrooms/lookup", params={"code": code}, headers=explorer.parent
    )


def _answered(responses: list[httpx.Response]) -> tuple[int, int]:
    """(404s, 429s), after checking that nothing else came back and every 429 says when."""
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {404, 429}, [
        r.text for r in responses if r.status_code not in (404, 429)
    ]
    for r in responses:
        if r.status_code == 404:
            assert r.json()["code"] == "classroom_code_unknown"
        else:
            assert r.json()["code"] == "rate_limited"
            assert 0 < int(r.headers["Retry-After"]) <= CODE_LIMIT_ACCOUNT.seconds
    return statuses.count(404), statuses.count(429)


async def _members(runtime: Runtime) -> int:
    async with runtime.db.session() as session:
        return int(await session.scalar(sa.text("SELECT count(*) FROM classroom_member")) or 0)


async def test_forty_guesses_at_once_from_one_account_get_ten_answers(
    live_runtime: Runtime, live_client: httpx.AsyncClient
) -> None:
    await fresh_window(10, seconds=CODE_LIMIT_ACCOUNT.seconds)
    teacher = await make_teacher(live_runtime, live_client, "burst.teacher@school.example.com")
    room = await make_room(live_client, teacher)
    parent = await make_explorer(live_runtime, live_client, "burst-family@example.com", "Ama")

    answers = await asyncio.gather(*(_guess(live_client, parent, n) for n in range(40)))
    assert _answered(answers) == (CODE_LIMIT_ACCOUNT.times, 40 - CODE_LIMIT_ACCOUNT.times)
    # The budget is spent: the right code waits too, and nobody joined.
    right = await enrol(live_client, parent, room.code)
    assert right.status_code == 429, right.text
    assert await _members(live_runtime) == 0


async def test_guesses_at_once_from_several_accounts_share_the_address_budget(
    live_runtime: Runtime, live_client: httpx.AsyncClient
) -> None:
    await fresh_window(10, seconds=CODE_LIMIT_IP.seconds)
    parents = [
        await make_explorer(live_runtime, live_client, f"guesser-{n}@example.com", f"Kid{n}")
        for n in range(4)
    ]
    # 4 accounts x 10: within each account's budget, 10 over the address's.
    burst = [_guess(live_client, p, n) for p in parents for n in range(CODE_LIMIT_ACCOUNT.times)]
    answers = await asyncio.gather(*burst)
    assert _answered(answers) == (CODE_LIMIT_IP.times, len(burst) - CODE_LIMIT_IP.times)
    assert await _members(live_runtime) == 0
