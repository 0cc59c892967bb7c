"""Every guess is throttled: passwords per (account, address) pair with a looser ceiling per
account, the password change, the parent PIN under concurrency; and password hashing is
bounded, answering 503 rather than queueing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import httpx
import pytest
from fastapi import FastAPI

from app.auth import limits
from app.core import hashing
from app.runtime import Runtime
from tests.support.app import client_for
from tests.support.auth import (
    PASSWORD,
    bearer,
    delivered_code,
    family,
    login,
    make_account,
    make_profile,
)
from tests.support.smtp import SmtpServer

JUNK = "not-the-password-at-all"
Peer = Callable[[str], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def peer(asgi_app: FastAPI, runtime: Runtime) -> Peer:
    """A client of the test's app connecting from another address."""

    def at(address: str) -> AbstractAsyncContextManager[httpx.AsyncClient]:
        return client_for(asgi_app, runtime, client=(address, 40000))

    return at


async def _login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/api/v1/auth/login", json={"email": email, "password": password})


# --- passwords: per pair, slowing down ------------------------------------------------------


@pytest.mark.usefixtures("frozen_clock")
async def test_failing_on_purpose_from_elsewhere_never_locks_the_owner_out(
    runtime: Runtime, client: httpx.AsyncClient, peer: Peer
) -> None:
    await make_account(runtime, "owner@example.com")
    async with peer("203.0.113.7") as attacker:
        statuses = [
            (await _login(attacker, "owner@example.com", JUNK)).status_code for _ in range(12)
        ]
    assert statuses == [401] * 5 + [429] * 7
    # Before: ten junk sign-ins anywhere made the owner's right password a 429.
    owner = await _login(client, "owner@example.com", PASSWORD)
    assert owner.status_code == 200


async def test_password_guesses_from_one_address_wait_longer_and_longer(
    runtime: Runtime, client: httpx.AsyncClient, frozen_clock: Callable[[float], None]
) -> None:
    await make_account(runtime, "slow@example.com")
    for _ in range(5):
        assert (await _login(client, "slow@example.com", JUNK)).status_code == 401
    refused = await _login(client, "slow@example.com", PASSWORD)
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert 0 < int(refused.headers["retry-after"]) <= 60

    frozen_clock(60)  # the minute is over: five more, then a wait of up to a quarter hour
    for _ in range(5):
        assert (await _login(client, "slow@example.com", JUNK)).status_code == 401
    frozen_clock(60)
    refused = await _login(client, "slow@example.com", JUNK)
    assert refused.status_code == 429
    assert 60 < int(refused.headers["retry-after"]) <= 15 * 60

    frozen_clock(15 * 60)  # and after twenty in the hour, up to the hour's end
    for _ in range(5):
        assert (await _login(client, "slow@example.com", JUNK)).status_code == 401
    frozen_clock(15 * 60)
    for _ in range(5):
        assert (await _login(client, "slow@example.com", JUNK)).status_code == 401
    frozen_clock(60)
    refused = await _login(client, "slow@example.com", JUNK)
    assert refused.status_code == 429
    assert 15 * 60 < int(refused.headers["retry-after"]) <= 60 * 60

    frozen_clock(60 * 60)
    await login(client, "slow@example.com")  # slowed down, never locked out


@pytest.mark.usefixtures("frozen_clock")
async def test_a_right_password_does_not_use_up_the_budget(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    await make_account(runtime, "often@example.com")
    for _ in range(12):
        await login(client, "often@example.com")
    for _ in range(4):
        assert (await _login(client, "often@example.com", JUNK)).status_code == 401
    await login(client, "often@example.com")


@pytest.mark.usefixtures("frozen_clock")
async def test_guessing_spread_over_many_addresses_meets_the_account_ceiling(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer, peer: Peer
) -> None:
    await make_account(runtime, "target@example.com")
    async with peer("198.51.100.10") as home:
        await login(home, "target@example.com")  # the owner's usual address

    statuses: list[int] = []
    for bot in range(1, 23):
        async with peer(f"203.0.113.{bot}") as attacker:
            for _ in range(5):
                statuses.append((await _login(attacker, "target@example.com", JUNK)).status_code)
    assert limits.PASSWORD_PER_ACCOUNT[0].times == 100
    assert statuses == [401] * 100 + [429] * 10

    # The owner's usual address is not held back by the ceiling...
    async with peer("198.51.100.10") as home:
        await login(home, "target@example.com")
    # ...a new one is, until an emailed code signs the owner in from it.
    async with peer("198.51.100.20") as travelling:
        assert (await _login(travelling, "target@example.com", PASSWORD)).status_code == 429
        await travelling.post(
            "/api/v1/auth/passwordless/start", json={"email": "target@example.com"}
        )
        code = await delivered_code(runtime, smtp_server, "target@example.com")
        signed_in = await travelling.post(
            "/api/v1/auth/passwordless/verify",
            json={"email": "target@example.com", "code": code},
        )
        assert signed_in.status_code == 200
        await login(travelling, "target@example.com")


@pytest.mark.usefixtures("frozen_clock")
async def test_wrong_current_passwords_are_throttled(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    await make_account(runtime, "change@example.com")
    headers = bearer(await login(client, "change@example.com"))
    body = {"current_password": JUNK, "new_password": "a-brand-new-long-phrase"}
    statuses = [
        (await client.post("/api/v1/accounts/me/password", json=body, headers=headers)).status_code
        for _ in range(8)
    ]
    # Before: 120 wrong current passwords in five seconds, and never a 429.
    assert statuses == [422] * 5 + [429] * 3
    # Sign-ins from this address count with them: one more guess there waits too.
    assert (await _login(client, "change@example.com", JUNK)).status_code == 429
    right = {"current_password": PASSWORD, "new_password": "a-brand-new-long-phrase"}
    refused = await client.post("/api/v1/accounts/me/password", json=right, headers=headers)
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0


# --- the parent PIN, in parallel ------------------------------------------------------------


async def test_parallel_pin_guesses_get_five_answers(
    live_runtime: Runtime, live_client: httpx.AsyncClient
) -> None:
    runtime, client = live_runtime, live_client
    parent = await family(runtime, client, "pin@example.com")
    ama = await make_profile(client, parent, "Ama")
    assert (
        await client.put("/api/v1/accounts/me/pin", json={"pin": "2468"}, headers=parent)
    ).status_code == 204
    url = f"/api/v1/profiles/{ama['id']}/session"

    guesses = await asyncio.gather(
        *(client.post(url, json={"pin": f"{i:04d}"}, headers=parent) for i in range(40))
    )
    statuses = sorted(g.status_code for g in guesses)
    # Before: 28 of 40 parallel guesses were checked where the rule allows 5.
    assert statuses == [403] * 5 + [429] * 35
    assert {g.json()["code"] for g in guesses} == {"wrong_pin", "rate_limited"}
    refused = await client.post(url, json={"pin": "2468"}, headers=parent)
    assert refused.status_code == 429


# --- bounded hashing ------------------------------------------------------------------------


@pytest.fixture
def one_hash_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Production hashes, one at a time, and a fiftieth of a second's wait for a slot."""
    hasher = hashing.PasswordHasher(hashing.PRODUCTION, concurrency=1, wait_seconds=0.02)
    monkeypatch.setattr(hashing, "_current", hasher)


@pytest.mark.usefixtures("one_hash_at_a_time")
async def test_hashing_beyond_the_bound_answers_503_at_once(
    live_client: httpx.AsyncClient,
) -> None:
    started = time.monotonic()
    answers = await asyncio.gather(
        *(_login(live_client, f"nobody{i}@example.com", JUNK) for i in range(12))
    )
    elapsed = time.monotonic() - started
    statuses = sorted(a.status_code for a in answers)
    assert statuses[0] == 401  # the first in line was checked
    busy = [a for a in answers if a.status_code == 503]
    assert busy, statuses
    assert set(statuses) == {401, 503}
    for answer in busy:
        assert answer.json()["code"] == "service_unavailable"
        assert answer.headers["retry-after"] == "1"
    assert elapsed < 5  # not a queue of production hashes behind one another
