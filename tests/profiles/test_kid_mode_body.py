"""Kid mode's body is optional: left out it works, `null` is refused (the document says an
object, and generated clients leave it out)."""

from __future__ import annotations

import httpx

from app.runtime import Runtime
from tests.support.auth import family


async def test_kid_mode_takes_no_body_but_not_null(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    parent = await family(runtime, client, "kid-body@example.com")
    made = await client.post(
        "/api/v1/profiles", json={"nickname": "Esi", "age_band": "6-8"}, headers=parent
    )
    assert made.status_code == 201, made.text
    url = f"/api/v1/profiles/{made.json()['id']}/session"
    assert (await client.post(url, headers=parent)).status_code == 200
    empty = await client.post(url, headers={**parent, "Content-Type": "application/json"})
    assert empty.status_code == 200
    refused = await client.post(
        url, content=b"null", headers={**parent, "Content-Type": "application/json"}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["body"]
