"""Errors reported to Sentry, as production sends them (sentry_sdk's own HTTP transport, to a
local ingest endpoint): a request that fails with a parent's email address, a bearer token and
a child's nickname in its body, headers, URL, exception and log fields is reported, and none of
them is in what was sent."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
from fastapi import APIRouter, Request
from pydantic import SecretStr

from app.core.logging import FILTERED, request_id_var
from app.core.sentry import scrub_breadcrumb, scrub_event
from tests.telemetry.conftest import Observe
from tests.telemetry.receivers import SentryIngest

EMAIL = "parent.adams@example.com"
NICKNAME = "Pip Starfish"
PIN = "4321"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwYXJlbnQifQ.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
COOKIE = "c00kie-of-the-session"
TICKET = "T1cket-s3cret"
SECRETS = (EMAIL, NICKNAME, PIN, TOKEN, COOKIE, TICKET, "Pip", "Starfish")

log = logging.getLogger("tests.telemetry.greetings")
routes = APIRouter()


@routes.post("/test/telemetry/greet")
async def greet(request: Request) -> None:
    body = await request.json()
    # What careless code might log and raise: every field a report could carry.
    log.error(
        "greeting failed",
        extra={
            "nickname": body["nickname"],
            "parent": {"email": body["email"], "pin": body["pin"]},
            "note": f"asked by {body['email']} via {request.url}",
            "authorization": request.headers["authorization"],
        },
    )
    raise RuntimeError(
        f"no account {body['email']} for {request.headers['authorization']} at {request.url}"
    )


def _sent(sentry_ingest: SentryIngest) -> str:
    return b"".join(sentry_ingest.bodies).decode("utf-8", "replace")


async def test_a_captured_error_has_its_fields_scrubbed(
    observe: Observe, sentry_ingest: SentryIngest, routes_client: httpx.AsyncClient
) -> None:
    sentry_ingest.clear()
    installed = observe(sentry_dsn=SecretStr(sentry_ingest.dsn))
    response = await routes_client.post(
        f"/test/telemetry/greet?ticket={TICKET}&lang=en",
        json={"email": EMAIL, "nickname": NICKNAME, "pin": PIN},
        headers={"Authorization": f"Bearer {TOKEN}", "Cookie": f"session={COOKIE}"},
    )
    assert response.status_code == 500
    installed.flush()

    events = sentry_ingest.events()
    crashes = [e for e in events if "exception" in e]
    (crash,) = [e for e in crashes if e["exception"]["values"][-1]["type"] == "RuntimeError"]
    (logged,) = [e for e in events if e.get("logentry", {}).get("message") == "greeting failed"]
    # Found by the request id the client was given, and by its trace.
    assert crash["tags"]["request_id"] == response.headers["x-request-id"]
    assert logged["tags"]["request_id"] == response.headers["x-request-id"]
    assert crash["level"] == "error"
    assert crash["environment"] == "test"
    # The stack is there; no local variable, request or user is.
    frames = crash["exception"]["values"][-1]["stacktrace"]["frames"]
    assert any(frame["function"] == "greet" for frame in frames)
    assert not any("vars" in frame for frame in frames)
    assert "request" not in crash or set(crash["request"]) <= {"method", "url"}
    assert "user" not in crash
    # The message and fields are kept, their secrets cut out.
    value = crash["exception"]["values"][-1]["value"]
    assert value.startswith("no account [email] for Bearer [redacted")
    assert "ticket=[redacted]&lang=[redacted]" in value
    assert logged["extra"]["nickname"] == FILTERED
    assert logged["extra"]["parent"] == {"email": FILTERED, "pin": FILTERED}
    assert logged["extra"]["authorization"] == FILTERED
    assert logged["extra"]["note"].startswith("asked by [email] via")

    sent = _sent(sentry_ingest)
    assert [secret for secret in SECRETS if secret in sent] == []


def test_the_rule_removes_what_a_web_integration_would_collect() -> None:
    """What a framework integration collects about a request, a user and their data, if
    one is ever turned on: the rule keeps method and path, an id, and nothing else."""
    event: dict[str, Any] = {
        "level": "error",
        "message": f"sign-in failed for {EMAIL}",
        "request": {
            "method": "POST",
            "url": f"https://api.wonderspaced.app/api/v1/auth/token?ticket={TICKET}",
            "query_string": f"ticket={TICKET}",
            "data": {"email": EMAIL, "password": "correct horse battery", "nickname": NICKNAME},
            "cookies": {"session": COOKIE},
            "headers": {"Authorization": f"Bearer {TOKEN}", "User-Agent": "app/1.0"},
            "env": {"REMOTE_ADDR": "203.0.113.7"},
        },
        "user": {"id": "7b0c", "email": EMAIL, "ip_address": "203.0.113.7"},
        "extra": {"profile": {"displayName": NICKNAME, "birth_year": 2018, "pin": PIN}},
        "contexts": {
            "session": {"refresh_token": TOKEN},
            "child": {"nick": NICKNAME},
            "trace": {"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"},
        },
        "breadcrumbs": {"values": [{"message": f"GET /r/abc?code={PIN}", "data": {}}]},
        "exception": {"values": [{"type": "ValueError", "value": f"Bearer {TOKEN} refused"}]},
    }
    token = request_id_var.set("req-1")
    try:
        scrubbed = scrub_event(event, {})  # type: ignore[arg-type]
    finally:
        request_id_var.reset(token)

    assert scrubbed["request"] == {
        "method": "POST",
        "url": "https://api.wonderspaced.app/api/v1/auth/token",
    }
    assert scrubbed["user"] == {"id": "7b0c"}
    assert scrubbed["extra"] == {
        "profile": {"displayName": FILTERED, "birth_year": FILTERED, "pin": FILTERED}
    }
    assert scrubbed["contexts"]["session"] == FILTERED
    assert scrubbed["contexts"]["child"] == {"nick": FILTERED}
    assert scrubbed["contexts"]["trace"] == {"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"}
    assert scrubbed["message"] == "sign-in failed for [email]"
    assert scrubbed["exception"]["values"][0] == {
        "type": "ValueError",
        "value": "Bearer [redacted-jwt] refused",
    }
    assert scrubbed["breadcrumbs"]["values"][0]["message"] == "GET /r/abc?code=[redacted]"
    assert scrubbed["tags"] == {"request_id": "req-1"}
    sent = json.dumps(scrubbed)
    assert [s for s in (*SECRETS, "203.0.113.7", "correct horse") if s in sent] == []


def test_breadcrumbs_are_scrubbed_too() -> None:
    crumb = {
        "category": "httpx",
        "message": f"sent to {EMAIL}",
        "data": {"url": f"https://example.org/verify?token={TOKEN}", "nickname": NICKNAME},
    }
    scrubbed = scrub_breadcrumb(crumb, {})  # type: ignore[arg-type]
    assert scrubbed == {
        "category": "httpx",
        "message": "sent to [email]",
        "data": {"url": "https://example.org/verify?token=[redacted]", "nickname": FILTERED},
    }
