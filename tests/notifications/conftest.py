"""Families for the notification tests: a parent, an explorer token, and another family."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from app.notifications import service as notifications_service
from app.notifications.models import Category
from app.runtime import Runtime
from tests.support.auth import family, kid_token, make_profile


@dataclass
class Family:
    parent: dict[str, str]
    kid: dict[str, str]
    profile_id: str
    account_id: uuid.UUID


async def make_family(
    runtime: Runtime, client: httpx.AsyncClient, email: str, nickname: str = "Ama"
) -> Family:
    parent = await family(runtime, client, email)
    profile = await make_profile(client, parent, nickname)
    kid = await kid_token(client, parent, profile["id"])
    me = (await client.get("/api/v1/accounts/me", headers=parent)).json()
    return Family(parent, kid, str(profile["id"]), uuid.UUID(me["id"]))


@pytest.fixture
async def fam(runtime: Runtime, client: httpx.AsyncClient) -> Family:
    return await make_family(runtime, client, "ama.parent@example.com")


@pytest.fixture
async def other(runtime: Runtime, client: httpx.AsyncClient) -> Family:
    return await make_family(runtime, client, "kofi.parent@example.com", "Kofi")


async def send(runtime: Runtime, f: Family, key: str, child: bool = True, **extra: Any) -> Any:
    async with runtime.db.session() as session:
        return await notifications_service.notify(
            session,
            account_id=f.account_id,
            profile_id=uuid.UUID(f.profile_id) if child else None,
            category=extra.pop("category", Category.account),
            title=extra.pop("title", f"Hello {key}"),
            body="Something happened",
            link="wonderspaced://home",
            dedup_key=key,
            **extra,
        )
