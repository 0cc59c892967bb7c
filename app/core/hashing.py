"""Password hashing: argon2id through pwdlib, off the event loop, a bounded number at a time.

Production parameters are OWASP's minimum for argon2id (m=19 MiB, t=2, p=1): one hash takes
tens of milliseconds of a core and 19 MiB. An instance runs at most PASSWORD_HASH_CONCURRENCY
of them at once on threads of its own; a request that finds every slot taken waits at most
PASSWORD_HASH_WAIT_SECONDS, then gets 503 `service_unavailable` with `Retry-After`. A burst of
sign-ins (or of junk sign-ins) thus costs bounded memory and answers quickly, instead of
queueing every request behind it for seconds.

Under ENV=test only, hashes are made with tiny parameters: the suite hashes a password for
nearly every test, and none of them proves anything about the cost. One test pins the
production parameters and the upgrade of a hash made with others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.core.config import Environment, Settings, get_settings
from app.core.errors import ServiceUnavailable

T = TypeVar("T")

RETRY_AFTER_SECONDS = 1


@dataclass(frozen=True)
class Argon2Parameters:
    memory_kib: int
    time_cost: int
    parallelism: int


# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1 as the minimum.
PRODUCTION = Argon2Parameters(memory_kib=19_456, time_cost=2, parallelism=1)
# A tenth of a millisecond instead of tens: for the test suite, never for a deployment.
TEST = Argon2Parameters(memory_kib=256, time_cost=1, parallelism=1)


def parameters_for(env: Environment) -> Argon2Parameters:
    return TEST if env is Environment.test else PRODUCTION


class HashingBusy(ServiceUnavailable):
    def __init__(self) -> None:
        super().__init__(
            "Too many sign-ins at once; try again in a moment.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )


class PasswordHasher:
    """argon2id with fixed parameters, at most `concurrency` hashes at a time."""

    def __init__(
        self, parameters: Argon2Parameters, *, concurrency: int, wait_seconds: float
    ) -> None:
        self.parameters = parameters
        self.concurrency = concurrency
        self.wait_seconds = wait_seconds
        self.pwd = PasswordHash(
            (
                Argon2Hasher(
                    memory_cost=parameters.memory_kib,
                    time_cost=parameters.time_cost,
                    parallelism=parameters.parallelism,
                ),
            )
        )
        # Verified against when an account has no password, so a miss costs what a hit does.
        self.dummy_hash = self.pwd.hash("wonderspaced-timing-equaliser")
        self._executor = ThreadPoolExecutor(concurrency, thread_name_prefix="argon2")
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def _semaphore(self) -> asyncio.Semaphore:
        # A semaphore belongs to one event loop; a process that runs another loop later (a
        # job after the server, a test run) gets fresh slots for it.
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            self._slots = (loop, asyncio.Semaphore(self.concurrency))
        return self._slots[1]

    async def _run(self, work: Callable[..., T], *args: str) -> T:
        slots = self._semaphore()
        try:
            async with asyncio.timeout(self.wait_seconds):
                await slots.acquire()
        except TimeoutError:
            raise HashingBusy from None
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, work, *args)
        finally:
            slots.release()

    async def hash(self, password: str) -> str:
        return await self._run(self.pwd.hash, password)

    async def verify(self, password: str, hashed: str | None) -> tuple[bool, str | None]:
        """(matches, upgraded hash or None). A None hash still spends the time of a check."""
        if hashed is None:
            await self._run(self.pwd.verify, password, self.dummy_hash)
            return False, None
        return await self._run(self.pwd.verify_and_update, password, hashed)


@cache
def _hasher(parameters: Argon2Parameters, concurrency: int, wait_seconds: float) -> PasswordHasher:
    return PasswordHasher(parameters, concurrency=concurrency, wait_seconds=wait_seconds)


def hasher_for(settings: Settings) -> PasswordHasher:
    """The process's hasher for these settings (one per distinct configuration)."""
    return _hasher(
        parameters_for(settings.env),
        settings.password_hash_concurrency,
        settings.password_hash_wait_seconds,
    )


_current: PasswordHasher | None = None


def configure(settings: Settings) -> PasswordHasher:
    """Makes the hasher of `settings` the one every password goes through."""
    global _current
    _current = hasher_for(settings)
    return _current


def current() -> PasswordHasher:
    """The configured hasher, or the one of the process's settings (ENV and friends)."""
    return _current or configure(get_settings())


async def hash_password(password: str) -> str:
    return await current().hash(password)


async def verify_password(password: str, hashed: str | None) -> tuple[bool, str | None]:
    return await current().verify(password, hashed)
