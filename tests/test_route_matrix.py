"""Every route of the OpenAPI document against every kind of caller.

Each route is declared once below with its access class; what each caller must get follows
from the class. A route missing from the table fails with its name, so a new module cannot
ship a route nobody thought about. Bodies are empty JSON objects: a 422 proves the caller
got past authorization, which is all the matrix asks. Each request runs in a savepoint that
is rolled back, with the cache cleared after it, so no case sees another's writes.
"""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.api import create_app
from app.bootstrap import build_runtime
from app.core.config import Settings
from app.core.db import Database
from app.integrations.google_tokens import GoogleTokenVerifier
from app.runtime import Runtime
from tests.support.google_keys import CertsServer
from tests.support.matrix import CALLERS, World, build_world


class Access(enum.Enum):
    public = "anyone, signed in or not, gets the same answer"
    health = "probes: anyone, the same answer"
    signed_in = "any signed-in caller, an explorer included; anonymous 401"
    grown_up = "any signed-in grown-up; an explorer is refused (403)"
    profile = "the explorer of that profile and its family's parent; anyone else 404"
    parent_profile = "that profile's family's parent; its explorer 403, anyone else 404"
    editor = "editors and admins"
    teacher = "teachers and admins; any other grown-up 403"
    classroom = "that classroom's teachers and admins; another teacher 404, other grown-ups 403"
    admin = "admins only"
    internal = "task delivery: only Google-signed OIDC tokens, none of ours"


A = Access
ROUTES: dict[str, Access] = {
    # Public catalogue, avatars, privacy notice and media links.
    "GET /api/v1/videos": A.public,
    "GET /api/v1/ebooks": A.public,
    "GET /api/v1/diys": A.public,
    "GET /api/v1/search": A.public,
    "GET /api/v1/tabs/{tab}": A.public,
    "GET /api/v1/themes": A.public,
    "GET /api/v1/themes/{slug}": A.public,
    "GET /api/v1/series": A.public,
    "GET /api/v1/series/{series_id}": A.public,
    "GET /api/v1/videos/{item_id}": A.public,
    "GET /api/v1/ebooks/{item_id}": A.public,
    "GET /api/v1/diys/{item_id}": A.public,
    "GET /api/v1/assets/{asset_id}": A.public,
    "GET /api/v1/privacy-notice": A.public,
    "GET /api/v1/avatars/parts": A.public,
    # A shared link, and the upload URL of a ticket (its signature is the only key).
    "GET /r/{code}": A.public,
    "PUT /media/upload/{key}": A.public,
    # Signing in: anyone may try.
    "POST /api/v1/auth/register": A.public,
    "POST /api/v1/auth/email/verify": A.public,
    "POST /api/v1/auth/login": A.public,
    "POST /api/v1/auth/token": A.public,
    "POST /api/v1/auth/passwordless/start": A.public,
    "POST /api/v1/auth/passwordless/verify": A.public,
    "POST /api/v1/auth/google": A.public,
    "POST /api/v1/auth/refresh": A.public,
    "POST /api/v1/auth/logout": A.public,
    "POST /api/v1/auth/password/forgot": A.public,
    "POST /api/v1/auth/password/reset": A.public,
    # The grown-up's own account and family.
    "POST /api/v1/auth/logout-all": A.grown_up,
    "GET /api/v1/accounts/me": A.grown_up,
    "PATCH /api/v1/accounts/me": A.grown_up,
    "DELETE /api/v1/accounts/me": A.grown_up,
    "POST /api/v1/accounts/me/password": A.grown_up,
    "POST /api/v1/accounts/me/consent": A.grown_up,
    "PUT /api/v1/accounts/me/pin": A.grown_up,
    "DELETE /api/v1/accounts/me/pin": A.grown_up,
    "GET /api/v1/accounts/me/export": A.grown_up,
    "GET /api/v1/profiles": A.grown_up,
    "POST /api/v1/profiles": A.grown_up,
    # One explorer's things.
    "GET /api/v1/profiles/{profile_id}": A.profile,
    "GET /api/v1/profiles/{profile_id}/avatar": A.profile,
    "PUT /api/v1/profiles/{profile_id}/avatar": A.profile,
    "GET /api/v1/profiles/{profile_id}/avatar.svg": A.profile,
    "PATCH /api/v1/profiles/{profile_id}": A.parent_profile,
    "DELETE /api/v1/profiles/{profile_id}": A.parent_profile,
    "POST /api/v1/profiles/{profile_id}/session": A.parent_profile,
    "GET /api/v1/profiles/{profile_id}/progress": A.profile,
    "GET /api/v1/profiles/{profile_id}/progress/video/{item_id}": A.profile,
    "GET /api/v1/profiles/{profile_id}/progress/ebook/{item_id}": A.profile,
    "GET /api/v1/profiles/{profile_id}/progress/diy/{item_id}": A.profile,
    "PUT /api/v1/profiles/{profile_id}/progress/video/{item_id}": A.profile,
    "PUT /api/v1/profiles/{profile_id}/progress/ebook/{item_id}": A.profile,
    "PUT /api/v1/profiles/{profile_id}/progress/diy/{item_id}": A.profile,
    "GET /api/v1/profiles/{profile_id}/saved": A.profile,
    "PUT /api/v1/profiles/{profile_id}/saved/{kind}/{item_id}": A.profile,
    "DELETE /api/v1/profiles/{profile_id}/saved/{kind}/{item_id}": A.profile,
    "GET /api/v1/profiles/{profile_id}/library": A.profile,
    "GET /api/v1/profiles/{profile_id}/library/{section}": A.profile,
    "GET /api/v1/tabs/my-explorer": A.profile,  # the explorer in ?profile_id=
    "GET /api/v1/profiles/{profile_id}/activity": A.parent_profile,
    "GET /api/v1/profiles/{profile_id}/limits": A.parent_profile,
    "PUT /api/v1/profiles/{profile_id}/limits": A.parent_profile,
    "GET /api/v1/profiles/{profile_id}/limits/today": A.profile,
    "POST /api/v1/profiles/{profile_id}/limits/extend": A.parent_profile,
    "GET /api/v1/profiles/{profile_id}/reports/weekly": A.parent_profile,
    # Badges: the explorer's own; rewards on or off is the parent's choice.
    "GET /api/v1/profiles/{profile_id}/badges": A.profile,
    "GET /api/v1/profiles/{profile_id}/rewards": A.parent_profile,
    "PUT /api/v1/profiles/{profile_id}/rewards": A.parent_profile,
    # Classrooms: teachers' classrooms, the parent's code lookup and enrolment.
    "POST /api/v1/classrooms": A.teacher,
    "GET /api/v1/classrooms": A.teacher,
    "GET /api/v1/classrooms/invites": A.teacher,
    "POST /api/v1/classrooms/invites/{invite_id}/accept": A.teacher,
    "GET /api/v1/classrooms/lookup": A.grown_up,
    "GET /api/v1/classrooms/{classroom_id}": A.classroom,
    "PATCH /api/v1/classrooms/{classroom_id}": A.classroom,
    "DELETE /api/v1/classrooms/{classroom_id}": A.classroom,
    "GET /api/v1/classrooms/{classroom_id}/alerts": A.classroom,
    "PUT /api/v1/classrooms/{classroom_id}/alerts": A.classroom,
    "POST /api/v1/classrooms/{classroom_id}/code": A.classroom,
    "POST /api/v1/classrooms/{classroom_id}/invites": A.classroom,
    "DELETE /api/v1/classrooms/{classroom_id}/invites/{invite_id}": A.classroom,
    "DELETE /api/v1/classrooms/{classroom_id}/teachers/{account_id}": A.classroom,
    "GET /api/v1/classrooms/{classroom_id}/members": A.classroom,
    "GET /api/v1/classrooms/{classroom_id}/members/{profile_id}/avatar.svg": A.classroom,
    "DELETE /api/v1/classrooms/{classroom_id}/members/{profile_id}": A.classroom,
    "POST /api/v1/classrooms/{classroom_id}/assignments": A.classroom,
    "GET /api/v1/classrooms/{classroom_id}/assignments": A.classroom,
    "POST /api/v1/classrooms/{classroom_id}/assignments/reorder": A.classroom,
    "GET /api/v1/classrooms/{classroom_id}/assignments/{assignment_id}": A.classroom,
    "PATCH /api/v1/classrooms/{classroom_id}/assignments/{assignment_id}": A.classroom,
    "POST /api/v1/classrooms/{classroom_id}/assignments/{assignment_id}/close": A.classroom,
    "POST /api/v1/classrooms/{classroom_id}/assignments/{assignment_id}/reopen": A.classroom,
    "DELETE /api/v1/classrooms/{classroom_id}/assignments/{assignment_id}": A.classroom,
    "GET /api/v1/classrooms/{classroom_id}/assignments/{assignment_id}/report": A.classroom,
    "GET /api/v1/classrooms/{classroom_id}/assignments/{assignment_id}/report.csv": A.classroom,
    "GET /api/v1/classrooms/{classroom_id}/report": A.classroom,
    "GET /api/v1/classrooms/{classroom_id}/report.csv": A.classroom,
    "GET /api/v1/profiles/{profile_id}/classrooms": A.profile,
    "POST /api/v1/profiles/{profile_id}/classrooms": A.parent_profile,
    "DELETE /api/v1/profiles/{profile_id}/classrooms/{classroom_id}": A.parent_profile,
    "GET /api/v1/profiles/{profile_id}/assignments": A.profile,
    # Staff.
    "GET /api/v1/admin/accounts": A.admin,
    "GET /api/v1/admin/accounts/{account_id}": A.admin,
    "PATCH /api/v1/admin/accounts/{account_id}": A.admin,
    "POST /api/v1/admin/avatar-parts": A.editor,
    "PATCH /api/v1/admin/avatar-parts/{part_id}": A.editor,
    "DELETE /api/v1/admin/avatar-parts/{part_id}": A.editor,
    "GET /api/v1/admin/badges": A.editor,
    "POST /api/v1/admin/badges": A.editor,
    "GET /api/v1/admin/badges/{badge_id}": A.editor,
    "PATCH /api/v1/admin/badges/{badge_id}": A.editor,
    "DELETE /api/v1/admin/badges/{badge_id}": A.editor,
    "POST /api/v1/admin/uploads": A.editor,
    "POST /api/v1/admin/uploads/{upload_id}/complete": A.editor,
    "GET /api/v1/admin/assets/{asset_id}": A.editor,
    "DELETE /api/v1/admin/assets/{asset_id}": A.editor,
    "POST /api/v1/admin/ebooks/{ebook_id}/narration": A.editor,
    "POST /api/v1/admin/themes": A.editor,
    "PATCH /api/v1/admin/themes/{theme_id}": A.editor,
    "DELETE /api/v1/admin/themes/{theme_id}": A.editor,
    "POST /api/v1/admin/themes/reorder": A.editor,
    "PATCH /api/v1/admin/themes/reorder": A.editor,
    "POST /api/v1/admin/series": A.editor,
    "PATCH /api/v1/admin/series/{series_id}": A.editor,
    "DELETE /api/v1/admin/series/{series_id}": A.editor,
    "POST /api/v1/admin/series/{series_id}/publish": A.editor,
    "POST /api/v1/admin/series/{series_id}/unpublish": A.editor,
    **{
        f"{method} /api/v1/admin/{kind}{path}": A.editor
        for kind in ("videos", "ebooks", "diys")
        for method, path in (
            ("GET", ""),
            ("POST", ""),
            ("POST", "/bulk"),
            ("PATCH", "/bulk"),
            ("POST", "/reorder"),
            ("PATCH", "/reorder"),
            ("GET", "/{item_id}"),
            ("PATCH", "/{item_id}"),
            ("DELETE", "/{item_id}"),
            ("POST", "/{item_id}/publish"),
            ("POST", "/{item_id}/unpublish"),
            ("POST", "/{item_id}/archive"),
            ("POST", "/{item_id}/schedule"),
        )
    },
    # Task delivery (in the document, with its OIDC bearer).
    "POST /internal/tasks/{name}": A.internal,
    # Quizzes.
    "GET /api/v1/quizzes": A.public,
    "GET /api/v1/quizzes/{quiz_id}": A.public,
    "POST /api/v1/profiles/{profile_id}/quizzes/{quiz_id}/attempts": A.profile,
    "PUT /api/v1/profiles/{profile_id}/attempts/{attempt_id}/answers/{question_id}": A.profile,
    "POST /api/v1/profiles/{profile_id}/attempts/{attempt_id}/submit": A.profile,
    "GET /api/v1/profiles/{profile_id}/quizzes/next": A.profile,
    "GET /api/v1/profiles/{profile_id}/quiz-results": A.profile,
    **{
        f"{method} /api/v1/admin/quizzes{path}": A.editor
        for method, path in (
            ("GET", ""),
            ("POST", ""),
            ("POST", "/bulk"),
            ("GET", "/{quiz_id}"),
            ("PATCH", "/{quiz_id}"),
            ("DELETE", "/{quiz_id}"),
            ("POST", "/{quiz_id}/publish"),
            ("POST", "/{quiz_id}/unpublish"),
            ("POST", "/{quiz_id}/archive"),
            ("POST", "/{quiz_id}/questions/reorder"),
            ("GET", "/{quiz_id}/stats"),
        )
    },
    # Notifications: each caller's own inbox, stream and devices; an explorer's preferences.
    "GET /api/v1/notifications": A.signed_in,
    "GET /api/v1/notifications/unread-count": A.signed_in,
    "POST /api/v1/notifications/read-all": A.signed_in,
    "POST /api/v1/notifications/{notification_id}/read": A.signed_in,
    "POST /api/v1/notifications/{notification_id}/seen": A.signed_in,
    "POST /api/v1/notifications/{notification_id}/archive": A.signed_in,
    "POST /api/v1/notifications/stream-ticket": A.signed_in,
    "GET /api/v1/notifications/stream": A.signed_in,
    "POST /api/v1/devices": A.signed_in,
    "DELETE /api/v1/devices/{device_id}": A.signed_in,
    "POST /api/v1/accounts/me/push-consent": A.grown_up,
    "GET /api/v1/profiles/{profile_id}/notification-preferences": A.profile,
    "PUT /api/v1/profiles/{profile_id}/notification-preferences": A.parent_profile,
    "PUT /api/v1/profiles/{profile_id}/follows/{kind}/{target_id}": A.profile,
    "DELETE /api/v1/profiles/{profile_id}/follows/{kind}/{target_id}": A.profile,
    "POST /api/v1/admin/announcements": A.editor,
    "GET /api/v1/admin/announcements/{announcement_id}": A.editor,
    # Dashboards, the audit log and share links.
    "GET /api/v1/admin/stats/overview": A.editor,
    "GET /api/v1/admin/stats/content": A.editor,
    "GET /api/v1/admin/audit": A.admin,
    "POST /api/v1/admin/share-links/disable": A.editor,
    "POST /api/v1/share-links": A.grown_up,
    # Probes.
    "GET /health/live": A.health,
    "GET /health/ready": A.health,
}

# Routes kept out of the document on purpose, checked by hand with the same rules.
HIDDEN: dict[str, Access] = {
    # The app-link files.
    "GET /.well-known/assetlinks.json": A.public,
    "GET /.well-known/apple-app-site-association": A.public,
}

# A literal route may be declared under either method while the contract settles (POST or
# PATCH for /bulk and /reorder); an entry for a method the document does not have is fine
# only for these.
EITHER_METHOD = re.compile(r"/(bulk|reorder)$")

# Statuses that prove authorization passed: the request reached validation or the handler.
PASSED = frozenset({400, 409, 412, 413, 415, 422, 428})
PROFILE_SCOPED = (A.profile, A.parent_profile)
# Refusals that come after authorization, from the route's own rules (with an empty body).
PASSED_BY_ROUTE: dict[str, set[tuple[int, str]]] = {
    # No token is asked for: the link nobody made, the signature nobody gave (tests/links,
    # tests/media follow real ones).
    "GET /r/{code}": {(404, "link_not_found")},
    "PUT /media/upload/{key}": {(403, "invalid_signature")},
    "DELETE /api/v1/accounts/me": {(403, "reauthentication_required")},
    # No progress on that item yet: the profile was found, the record was not.
    "GET /api/v1/profiles/{profile_id}/progress/video/{item_id}": {(404, "not_started")},
    "GET /api/v1/profiles/{profile_id}/progress/ebook/{item_id}": {(404, "not_started")},
    "GET /api/v1/profiles/{profile_id}/progress/diy/{item_id}": {(404, "not_started")},
    # A code nobody has (the throttle's budget is what wrong codes use up).
    "GET /api/v1/classrooms/lookup": {(404, "classroom_code_unknown")},
    # The world's invitation is the teacher's; an admin finds none addressed to them.
    "POST /api/v1/classrooms/invites/{invite_id}/accept": {(404, "invite_not_found")},
    # The world's invitation is for another teacher's classroom.
    "DELETE /api/v1/classrooms/{classroom_id}/invites/{invite_id}": {(404, "invite_not_found")},
    # Another caller's notification or device is no one's to this caller: a plain 404.
    "POST /api/v1/notifications/{notification_id}/read": {(404, "not_found")},
    "POST /api/v1/notifications/{notification_id}/seen": {(404, "not_found")},
    "POST /api/v1/notifications/{notification_id}/archive": {(404, "not_found")},
    "DELETE /api/v1/devices/{device_id}": {(404, "not_found")},
}
# Headers a route gets on top of the caller's: the stream answers a malformed Last-Event-ID
# with a 400 once the caller is authorized, instead of holding the connection open.
ROUTE_HEADERS: dict[str, dict[str, str]] = {
    "GET /api/v1/notifications/stream": {"Last-Event-ID": "x"},
}


@cache
def _document() -> dict[str, Any]:
    # No runtime: building the document touches no database.
    document: dict[str, Any] = create_app(settings=Settings(_env_file=None, env="test")).openapi()  # type: ignore[call-arg]
    return document


def _operations() -> dict[str, dict[str, Any]]:
    return {
        f"{method.upper()} {path}": operation
        for path, item in _document()["paths"].items()
        for method, operation in item.items()
        if method in {"get", "put", "post", "patch", "delete", "head", "options"}
    }


@dataclass
class Matrix:
    conn: AsyncConnection
    runtime: Runtime
    client: httpx.AsyncClient
    world: World


@pytest.fixture(scope="module")
async def matrix(
    settings: Settings, engine: AsyncEngine, google_certs: CertsServer
) -> AsyncIterator[Matrix]:
    """One world for the whole module, inside a transaction rolled back at the end."""
    # ~800 requests from one address: the per-IP budget is not what is under test here.
    own = settings.model_copy(update={"rate_limit_per_minute": 1_000_000})
    async with engine.connect() as conn:
        transaction = await conn.begin()
        runtime = build_runtime(
            own,
            db=Database(engine, bind=conn),
            google_tokens=GoogleTokenVerifier(google_certs.url),
        )
        await runtime.cache.clear()
        try:
            app = create_app(runtime=runtime)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                world = await build_world(runtime, c)
                yield Matrix(conn, runtime, c, world)
        finally:
            await runtime.tasks.stop()
            await runtime.google_tokens.aclose()
            await transaction.rollback()


def _fill(
    route: str, ids: dict[str, str], profile_id: str | None = None, in_query: bool = False
) -> str:
    """The route's path with real ids of the right kind; an unknown parameter fails.
    `in_query` puts the profile in `?profile_id=` for routes that take it there."""
    _, path = route.split(" ", 1)
    if in_query:
        path = f"{path}?profile_id={profile_id or ids['profile_id']}"

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "profile_id":
            return profile_id or ids["profile_id"]
        if name == "item_id":
            # The kind is the segment before the id: /videos/{item_id}, /progress/ebook/{item_id},
            # /saved/{kind}/{item_id} (filled with "video").
            before = path[: match.start()].rstrip("/").rsplit("/", 1)[-1]
            kind = {"{kind}": "video"}.get(before, before.removesuffix("s"))
            assert f"{kind}_id" in ids, f"{route}: no catalogue kind for {{item_id}}"
            return ids[f"{kind}_id"]
        if name in ("kind", "target_id") and "/follows/" in path:
            # One follows a theme (or a series), by its id.
            return "theme" if name == "kind" else ids["theme_id"]
        fixed = {
            "slug": ids["theme_slug"],
            "tab": "explore",
            "kind": "video",
            "section": "continue",
            "name": "send_email",
            "code": "zzzzzzzz",  # a share link nobody made
            "key": "image/2026/12/none.png",
        }
        if name in fixed:
            return fixed[name]
        assert name in ids, f"{route}: the matrix has no real id for {{{name}}}; add one"
        return ids[name]

    return re.sub(r"\{([^}:]+)(?::[^}]*)?\}", value, path)


QUERY_VALUES = {
    "q": "anansi",
    "code": "ZZZZZZZZ",  # a classroom code nobody has
    # The next quiz on content with none: 200, no suggestion.
    "content_kind": "video",
    "content_id": "00000000-0000-4000-8000-000000000000",
    # An upload URL's signed query, signed by no one.
    "exp": "4102444800",
    "ct": "image/png",
    "len": "1",
    "sig": "0" * 64,
}


def _takes_profile_in_query(operation: dict[str, Any], required: bool) -> bool:
    return any(
        p["in"] == "query" and p["name"] == "profile_id" and bool(p.get("required")) is required
        for p in operation.get("parameters", [])
    )


async def _call(
    m: Matrix, route: str, operation: dict[str, Any], caller: str, path: str
) -> tuple[int, str | None]:
    method = route.split(" ", 1)[0]
    params = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query" and parameter.get("required"):
            name = parameter["name"]
            if name == "profile_id":
                continue  # in the path already (see _fill)
            assert name in QUERY_VALUES, f"{route}: no value for the query parameter {name}"
            params[name] = QUERY_VALUES[name]
    headers = m.world.headers.get(caller)
    if headers is None:
        headers = m.world.extra_headers[caller]
    kwargs: dict[str, Any] = {"headers": {**headers, **ROUTE_HEADERS.get(route, {})}}
    if params:  # httpx's params replace a query already in the path
        kwargs["params"] = params
    body = operation.get("requestBody")
    if body is not None:
        if "application/json" in body.get("content", {}):
            kwargs["json"] = {}
        else:
            kwargs["data"] = {}
    savepoint = await m.conn.begin_nested()
    try:
        response = await m.client.request(method, path, **kwargs)
    finally:
        if savepoint.is_active:
            await savepoint.rollback()
        await m.runtime.cache.clear()
    code = None
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        code = response.json().get("code")
    return response.status_code, code


def _expected(access: Access, caller: str) -> int | None:
    """The refusal a caller must get, or None where it must get past authorization."""
    if access in (A.public, A.health):
        return None
    if caller == "anonymous":
        return 401
    if access is A.internal:
        return 401
    if access is A.signed_in:
        return None
    if access is A.grown_up:
        return 403 if caller == "explorer" else None
    if access in (A.teacher, A.classroom) and caller != "explorer":
        return None if caller in ("teacher", "admin") else 403
    if access is A.profile:
        return None if caller in ("explorer", "parent") else 404
    if access is A.parent_profile:
        return 403 if caller == "explorer" else None if caller == "parent" else 404
    if caller == "explorer":
        return 403
    allowed = ("editor", "admin") if access is A.editor else ("admin",)
    return None if caller in allowed else 403


def _refusal_code(access: Access, caller: str, status: int) -> str | None:
    if status == 401:
        return None if access is A.internal else "not_authenticated"
    if status == 403:
        return "parents_only" if caller == "explorer" else "role_required"
    return None  # 404: compared with a missing id instead


async def _row(
    m: Matrix, route: str, operation: dict[str, Any], access: Access, in_query: bool = False
) -> list[str]:
    """Every way this route's row disagrees with its class; empty when it holds."""
    problems: list[str] = []
    in_query = in_query or _takes_profile_in_query(operation, required=True)
    path = _fill(route, m.world.ids, in_query=in_query)
    answers = {c: await _call(m, route, operation, c, path) for c in CALLERS}
    for caller, (status, code) in answers.items():
        expected = _expected(access, caller)
        if status >= 500:
            problems.append(f"{caller}: {status} (a server error)")
        elif expected is None:
            if not (
                status < 400 or status in PASSED or (status, code) in PASSED_BY_ROUTE.get(route, ())
            ):
                problems.append(f"{caller}: {status} {code}, expected to get past authorization")
            elif access in (A.public, A.health) and status != answers["anonymous"][0]:
                problems.append(
                    f"{caller}: {status}, but anonymous got {answers['anonymous'][0]}: "
                    "a public route answers everyone alike"
                )
        elif status != expected:
            problems.append(f"{caller}: {status} {code}, expected {expected}")
        else:
            want = _refusal_code(access, caller, status)
            if want and code != want:
                problems.append(f"{caller}: {status} with code {code}, expected code {want}")

    if access is A.classroom:
        # Another teacher finds nothing: their answer is that of a classroom that does not exist.
        elsewhere = await _call(m, route, operation, "other_teacher", path)
        unknown = await _call(
            m,
            route,
            operation,
            "other_teacher",
            _fill(route, {**m.world.ids, "classroom_id": str(uuid.uuid4())}, in_query=in_query),
        )
        if elsewhere != unknown or elsewhere[0] != 404:
            problems.append(
                f"other_teacher: answered {elsewhere}, a missing classroom {unknown}: "
                "both must be the same 404"
            )

    if access in PROFILE_SCOPED:
        missing = _fill(route, m.world.ids, str(uuid.uuid4()), in_query)
        strangers = [c for c in CALLERS if _expected(access, c) == 404]
        for caller in strangers:
            unknown = await _call(m, route, operation, caller, missing)
            if answers[caller] != unknown:
                problems.append(
                    f"{caller}: another family's id answered {answers[caller]}, "
                    f"a missing id {unknown}: they must be alike"
                )
        # An explorer reaching for a brother's or sister's profile is a stranger too.
        sibling = _fill(route, m.world.ids, m.world.ids["sibling_profile_id"], in_query)
        reached = await _call(m, route, operation, "explorer", sibling)
        unknown = await _call(m, route, operation, "explorer", missing)
        if reached != unknown or reached[0] != 404:
            problems.append(
                f"explorer: a sibling's profile answered {reached}, a missing id {unknown}: "
                "both must be the same 404"
            )
    return problems


def test_every_route_is_classified() -> None:
    operations = set(_operations())
    unclassified = sorted(operations - ROUTES.keys())
    assert not unclassified, (
        "Routes with no access class in tests/test_route_matrix.py ROUTES: "
        + ", ".join(unclassified)
    )
    stale = sorted(r for r in ROUTES.keys() - operations if not EITHER_METHOD.search(r))
    assert not stale, "ROUTES names routes the document no longer has: " + ", ".join(stale)


@pytest.mark.parametrize("route", sorted(_operations()))
async def test_route_answers_each_caller_by_its_class(matrix: Matrix, route: str) -> None:
    access = ROUTES.get(route)
    assert access is not None, f"{route} has no access class: add it to ROUTES"
    problems = await _row(matrix, route, _operations()[route], access)
    assert not problems, f"{route} ({access.name}: {access.value}):\n  " + "\n  ".join(problems)


def _profile_in_query() -> list[str]:
    """Routes that may shape their answer for one explorer named in the query."""
    return sorted(
        route
        for route, operation in _operations().items()
        if _takes_profile_in_query(operation, required=False)
    )


@pytest.mark.parametrize("route", _profile_in_query())
async def test_a_profile_named_in_the_query_is_scoped_like_one_in_the_path(
    matrix: Matrix, route: str
) -> None:
    """A screen shaped for one explorer is that explorer's, whatever the route's own class."""
    problems = await _row(matrix, route, _operations()[route], A.profile, in_query=True)
    assert not problems, f"{route}?profile_id=:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("route", sorted(HIDDEN))
async def test_hidden_routes_refuse_every_caller_of_ours(matrix: Matrix, route: str) -> None:
    operation = {"requestBody": {"content": {"application/json": {}}}}
    problems = await _row(matrix, route, operation, HIDDEN[route])
    assert not problems, f"{route}:\n  " + "\n  ".join(problems)
