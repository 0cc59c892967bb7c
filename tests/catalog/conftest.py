from __future__ import annotations

import httpx
import pytest

from app.accounts.models import Role
from app.runtime import Runtime
from tests.support.auth import signed_in
from tests.support.catalogue import add, make_themes

__all__ = ["add"]


@pytest.fixture
async def editor(runtime: Runtime, client: httpx.AsyncClient) -> dict[str, str]:
    return await signed_in(runtime, client, "editor@example.com", Role.editor)


@pytest.fixture
async def themes(client: httpx.AsyncClient, editor: dict[str, str]) -> dict[str, str]:
    """A theme of each kind; slug -> id."""
    return await make_themes(
        client,
        editor,
        (("video", "stories"), ("ebook", "folktales"), ("diy", "crafts"), ("video", "science")),
    )
