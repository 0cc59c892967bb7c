"""Sign-in hardening: no account pre-hijack, one send cap for every sign-in email, equal work
on register, the password rules, strict sign-in bodies, and settings that agree with sign-in."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa
from pydantic import SecretStr, ValidationError

from app.accounts.models import Account
from app.api import create_app
from app.auth import sessions
from app.auth.models import EmailCode
from app.core import hashing, passwords
from app.core.config import ConfigurationError, Environment, Settings
from app.runtime import Runtime
from app.seed import ensure_first_admin
from tests.support.app import client_for
from tests.support.auth import PASSWORD, bearer, delivered_code, login, make_account
from tests.support.google_keys import GoogleSigner
from tests.support.smtp import SmtpServer

CLIENT_ID = "1234-wonderspaced.apps.googleusercontent.com"
SQUATTER_PASSWORD = "squatters-own-secret-phrase"


async def _account(runtime: Runtime, email: str) -> Account | None:
    async with runtime.db.session() as session:
        return (
            await session.execute(sa.select(Account).where(sa.func.lower(Account.email) == email))
        ).scalar_one_or_none()


async def _squat(client: httpx.AsyncClient, email: str) -> None:
    response = await client.post(
        "/api/v1/auth/register", json={"email": email, "password": SQUATTER_PASSWORD}
    )
    assert response.status_code == 202


async def _squatter_login(client: httpx.AsyncClient, email: str) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/login", json={"email": email, "password": SQUATTER_PASSWORD}
    )


# --- account pre-hijack ---------------------------------------------------------------------


async def test_an_emailed_code_drops_a_squatters_password_and_sessions(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    await _squat(client, "victim@example.com")
    squatted = await _account(runtime, "victim@example.com")
    assert squatted is not None
    assert squatted.password_hash is not None
    # A session made before the owner proved the address (e.g. by a Google link made then).
    async with runtime.db.session() as session:
        early_refresh = await sessions.add_token(session, runtime.settings, squatted.id)
    early_access = runtime.tokens.issue(str(squatted.id), "access", role="parent")
    await runtime.worker.run_due()  # the squatter's confirmation code goes to the owner
    smtp_server.clear()

    await client.post("/api/v1/auth/passwordless/start", json={"email": "victim@example.com"})
    code = await delivered_code(runtime, smtp_server, "victim@example.com")
    owner = await client.post(
        "/api/v1/auth/passwordless/verify", json={"email": "victim@example.com", "code": code}
    )
    assert owner.status_code == 200
    me = (await client.get("/api/v1/accounts/me", headers=bearer(owner.json()))).json()
    assert me["id"] == str(squatted.id)
    assert me["email_verified"] is True
    assert me["has_password"] is False

    assert (await _squatter_login(client, "victim@example.com")).status_code == 401
    refreshed = await client.post("/api/v1/auth/refresh", json={"refresh_token": early_refresh})
    assert refreshed.status_code == 401
    early = await client.get(
        "/api/v1/accounts/me", headers={"Authorization": f"Bearer {early_access}"}
    )
    assert early.status_code == 401
    after = await _account(runtime, "victim@example.com")
    assert after is not None
    assert after.password_hash is None


OWNER_PASSWORD = "the-owners-own-secret-phrase"
WRONG_LOGIN = {
    "type": "urn:wonderspaced:problem:invalid_credentials",
    "title": "Unauthorized",
    "status": 401,
    "detail": "The email or password is not right.",
    "code": "invalid_credentials",
}


async def _register(client: httpx.AsyncClient, email: str, password: str) -> None:
    response = await client.post(
        "/api/v1/auth/register", json={"email": email, "password": password}
    )
    assert response.status_code == 202


async def _login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/api/v1/auth/login", json={"email": email, "password": password})


async def _confirm(client: httpx.AsyncClient, email: str, code: str) -> httpx.Response:
    return await client.post("/api/v1/auth/email/verify", json={"email": email, "code": code})


async def test_a_squatter_who_spends_the_send_cap_cannot_take_a_registration_over(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    # The owner registers and gets a code.
    await _register(client, "owner@example.com", OWNER_PASSWORD)
    code = await delivered_code(runtime, smtp_server, "owner@example.com")
    # The squatter spends the address's hourly sends (the owner's code stays valid)...
    for _ in range(4):
        await client.post("/api/v1/auth/passwordless/start", json={"email": "owner@example.com"})
    # ...then registers the same address with a password of their own: no email can go out.
    await _register(client, "owner@example.com", SQUATTER_PASSWORD)
    await runtime.worker.run_due()
    assert len(smtp_server.to("owner@example.com")) == 5

    # The owner confirms with their only code and is signed in.
    confirmed = await _confirm(client, "owner@example.com", code)
    assert confirmed.status_code == 200
    me = (await client.get("/api/v1/accounts/me", headers=bearer(confirmed.json()))).json()
    assert me["email_verified"] is True
    # Nobody can tell which registration was the owner's, so neither password was kept: the
    # squatter's answers exactly as a wrong password does (it signed in before this fix).
    squatter = await _squatter_login(client, "owner@example.com")
    assert (squatter.status_code, squatter.json()) == (401, WRONG_LOGIN)
    assert me["has_password"] is False
    account = await _account(runtime, "owner@example.com")
    assert account is not None
    assert account.password_hash is None
    assert account.registration_contested is False


async def test_a_registration_contested_before_the_cap_keeps_no_password_either(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    await _register(client, "owner@example.com", OWNER_PASSWORD)
    first = await delivered_code(runtime, smtp_server, "owner@example.com")
    smtp_server.clear()
    await _register(client, "owner@example.com", SQUATTER_PASSWORD)
    second = await delivered_code(runtime, smtp_server, "owner@example.com")
    [warning] = smtp_server.to("owner@example.com")
    assert "more than once, with different passwords" in warning.get_content()
    waiting = await _account(runtime, "owner@example.com")
    assert waiting is not None
    assert waiting.registration_contested is True
    # The waiting password was not replaced: it is still the owner's.
    assert hashing.current().pwd.verify(OWNER_PASSWORD, waiting.password_hash or "")

    if first != second:
        assert (await _confirm(client, "owner@example.com", first)).status_code == 401
    confirmed = await _confirm(client, "owner@example.com", second)
    assert confirmed.status_code == 200
    for password in (SQUATTER_PASSWORD, OWNER_PASSWORD):
        refused = await _login(client, "owner@example.com", password)
        assert (refused.status_code, refused.json()) == (401, WRONG_LOGIN)

    # The owner chooses a password with a reset code, as the email said.
    smtp_server.clear()
    await client.post("/api/v1/auth/password/forgot", json={"email": "owner@example.com"})
    reset_code = await delivered_code(runtime, smtp_server, "owner@example.com")
    reset = await client.post(
        "/api/v1/auth/password/reset",
        json={"email": "owner@example.com", "code": reset_code, "new_password": OWNER_PASSWORD},
    )
    assert reset.status_code == 204
    await login(client, "owner@example.com", OWNER_PASSWORD)


async def test_a_squatter_registering_first_gets_nothing_from_the_owners_confirmation(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    await _register(client, "owner@example.com", SQUATTER_PASSWORD)
    await runtime.worker.run_due()
    smtp_server.clear()
    await _register(client, "owner@example.com", OWNER_PASSWORD)
    code = await delivered_code(runtime, smtp_server, "owner@example.com")
    assert (await _confirm(client, "owner@example.com", code)).status_code == 200
    squatter = await _squatter_login(client, "owner@example.com")
    assert (squatter.status_code, squatter.json()) == (401, WRONG_LOGIN)


async def test_registering_again_with_the_same_password_keeps_the_registration(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    await _register(client, "esi@example.com", PASSWORD)
    first = await delivered_code(runtime, smtp_server, "esi@example.com")
    smtp_server.clear()
    await _register(client, "esi@example.com", PASSWORD)  # the first email never came
    second = await delivered_code(runtime, smtp_server, "esi@example.com")
    assert "Welcome to Wonderspaced" in smtp_server.to("esi@example.com")[0].get_content()
    if first != second:
        assert (await _confirm(client, "esi@example.com", first)).status_code == 401
    assert (await _confirm(client, "esi@example.com", second)).status_code == 200
    await login(client, "esi@example.com", PASSWORD)


async def test_a_code_confirms_only_the_registration_it_was_sent_for(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    await _register(client, "bound@example.com", PASSWORD)
    code = await delivered_code(runtime, smtp_server, "bound@example.com")
    # Whatever changed the waiting password since (here a direct write), the code was not
    # sent for it and cannot confirm it.
    other = await hashing.hash_password(SQUATTER_PASSWORD)
    async with runtime.db.session() as session:
        await session.execute(
            sa.update(Account)
            .where(Account.email == "bound@example.com")
            .values(password_hash=other)
        )
    refused = await _confirm(client, "bound@example.com", code)
    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid_code"
    account = await _account(runtime, "bound@example.com")
    assert account is not None
    assert account.email_verified_at is None


async def test_login_to_an_unconfirmed_address_answers_as_a_wrong_password_does(
    live_runtime: Runtime, live_client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    # Live: a code sent in a transaction of its own would show here.
    runtime, client = live_runtime, live_client
    await _register(client, "waiting@example.com", PASSWORD)
    await make_account(runtime, "known@example.com")
    await runtime.worker.run_due()
    smtp_server.clear()
    answers = [
        await _login(client, "waiting@example.com", PASSWORD),  # right, but unconfirmed
        await _login(client, "waiting@example.com", "not-the-password"),
        await _login(client, "known@example.com", "not-the-password"),
        await _login(client, "nobody@example.com", "not-the-password"),
    ]
    assert [(a.status_code, a.json()) for a in answers] == [(401, WRONG_LOGIN)] * 4
    # Every header alike but the request's own id.
    headers = {
        tuple(sorted((k, v) for k, v in a.headers.items() if k != "x-request-id")) for a in answers
    }
    assert len(headers) == 1
    await runtime.worker.run_due()
    assert smtp_server.messages == []


async def test_proving_the_address_another_way_ends_a_waiting_registration(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    await _squat(client, "victim@example.com")
    squatters_code = await delivered_code(runtime, smtp_server, "victim@example.com")
    smtp_server.clear()
    await client.post("/api/v1/auth/passwordless/start", json={"email": "victim@example.com"})
    code = await delivered_code(runtime, smtp_server, "victim@example.com")
    owner = await client.post(
        "/api/v1/auth/passwordless/verify", json={"email": "victim@example.com", "code": code}
    )
    assert owner.status_code == 200
    late = await _confirm(client, "victim@example.com", squatters_code)
    assert late.status_code == 401
    me = (await client.get("/api/v1/accounts/me", headers=bearer(owner.json()))).json()
    assert me["has_password"] is False
    assert (await _squatter_login(client, "victim@example.com")).status_code == 401


@pytest.fixture
def google_enabled(runtime: Runtime) -> Iterator[None]:
    original = runtime.settings
    runtime.settings = original.model_copy(update={"google_client_ids": [CLIENT_ID]})
    yield
    runtime.settings = original


def _google_token(signer: GoogleSigner, **claims: object) -> str:
    values: dict[str, object] = {
        "aud": CLIENT_ID,
        "sub": "google-sub-victim",
        "email": "victim@gmail.com",
        "email_verified": True,
    }
    values.update(claims)
    return signer.token(**values)


@pytest.mark.usefixtures("google_enabled")
async def test_google_proof_drops_a_squatters_password(
    runtime: Runtime, client: httpx.AsyncClient, google_signer: GoogleSigner
) -> None:
    await _squat(client, "victim@gmail.com")
    response = await client.post(
        "/api/v1/auth/google", json={"id_token": _google_token(google_signer)}
    )
    assert response.status_code == 200
    me = (await client.get("/api/v1/accounts/me", headers=bearer(response.json()))).json()
    assert me == {**me, "email_verified": True, "has_password": False, "google_linked": True}
    assert (await _squatter_login(client, "victim@gmail.com")).status_code == 401


@pytest.mark.usefixtures("google_enabled")
async def test_an_unverified_google_email_never_creates_an_account(
    runtime: Runtime, client: httpx.AsyncClient, google_signer: GoogleSigner
) -> None:
    token = _google_token(google_signer, email="someone@corp.example", email_verified=False)
    response = await client.post("/api/v1/auth/google", json={"id_token": token})
    assert response.status_code == 403
    assert response.json()["code"] == "google_email_unverified"
    async with runtime.db.session() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(Account)) == 0


async def test_the_owner_verifying_later_drops_a_google_link_made_before(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    # An account linked to a Google account that claimed the address without Google having
    # verified it (as the old code allowed).
    account = await make_account(runtime, "owner@example.com", password=None, verified=False)
    async with runtime.db.session() as session:
        await session.execute(
            sa.update(Account).where(Account.id == account.id).values(google_sub="intruder-sub")
        )
    await client.post("/api/v1/auth/passwordless/start", json={"email": "owner@example.com"})
    code = await delivered_code(runtime, smtp_server, "owner@example.com")
    owner = await client.post(
        "/api/v1/auth/passwordless/verify", json={"email": "owner@example.com", "code": code}
    )
    assert owner.status_code == 200
    me = (await client.get("/api/v1/accounts/me", headers=bearer(owner.json()))).json()
    assert me["google_linked"] is False
    after = await _account(runtime, "owner@example.com")
    assert after is not None
    assert after.google_sub is None


# --- abuse limits ---------------------------------------------------------------------------


async def test_already_registered_notices_count_against_the_code_cap(
    runtime: Runtime, client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    await make_account(runtime, "famous@example.com")
    statuses = [
        (
            await client.post(
                "/api/v1/auth/register",
                json={"email": "famous@example.com", "password": "another-long-phrase"},
            )
        ).status_code
        for _ in range(20)
    ]
    assert set(statuses) <= {202, 429}
    await runtime.worker.run_due()
    assert len(smtp_server.to("famous@example.com")) == 5  # was 10: one per request let through
    # And the codes share the cap: the hour's budget for this address is spent.
    await client.post("/api/v1/auth/password/forgot", json={"email": "famous@example.com"})
    await runtime.worker.run_due()
    assert len(smtp_server.to("famous@example.com")) == 5
    async with runtime.db.session() as session:
        notices = await session.scalar(
            sa.select(sa.func.count()).select_from(EmailCode).where(EmailCode.purpose == "notice")  # type: ignore[arg-type]
        )
    assert notices == 5


async def test_register_does_the_same_hashing_whatever_the_address(
    runtime: Runtime, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_account(runtime, "known@example.com")
    await _register(client, "waiting@example.com", PASSWORD)
    pwd = hashing.current().pwd
    real_hash, real_verify, real_update = pwd.hash, pwd.verify, pwd.verify_and_update
    work: list[str] = []

    def counting_hash(password: str, *args: object, **kwargs: object) -> str:
        work.append("hash")
        return real_hash(password)

    def counting_verify(password: str, hashed: str) -> bool:
        work.append("verify")
        return real_verify(password, hashed)

    def counting_update(password: str, hashed: str) -> tuple[bool, str | None]:
        work.append("verify")
        return real_update(password, hashed)

    monkeypatch.setattr(pwd, "hash", counting_hash)
    monkeypatch.setattr(pwd, "verify", counting_verify)
    monkeypatch.setattr(pwd, "verify_and_update", counting_update)
    for email in ("known@example.com", "unknown@example.com", "waiting@example.com"):
        work.clear()
        await _register(client, email, "a-phrase-to-hash-here")
        assert work == ["verify", "hash"], email


# --- password rules -------------------------------------------------------------------------


def test_the_common_password_list_is_real_and_large() -> None:
    assert passwords.common_password_count() >= 100_000
    for known in ("password12345678", "qwertyuiop123456", "IloveYou12345678"):
        assert passwords.is_common(known), known
    assert not passwords.is_common("the baobab by the river remembers our songs")


async def test_password_length_rules(runtime: Runtime, client: httpx.AsyncClient) -> None:
    too_short = await client.post(
        "/api/v1/auth/register",
        json={"email": "len@example.com", "password": "kente-at-dawn!"},  # 14
    )
    assert too_short.status_code == 422
    assert "at least 15 characters" in too_short.json()["errors"][0]["msg"]
    assert await _account(runtime, "len@example.com") is None
    long_phrase = "the baobab by the river remembers every song we sang to it, " * 2
    assert 64 <= len(long_phrase) <= 128
    ok = await client.post(
        "/api/v1/auth/register", json={"email": "len@example.com", "password": long_phrase}
    )
    assert ok.status_code == 202


def _full_width(text: str) -> str:
    """The same letters as typed on an East Asian keyboard (U+FF01 to U+FF5E)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


async def test_passwords_are_nfkc_normalised(runtime: Runtime, client: httpx.AsyncClient) -> None:
    # Full-width letters (one keyboard) and ASCII (another) are one password.
    await make_account(runtime, "unicode@example.com")
    wide = _full_width("sunset") + "-over-the-volta-lake"
    changed = await client.post(
        "/api/v1/accounts/me/password",
        json={"current_password": PASSWORD, "new_password": wide},
        headers=bearer(await login(client, "unicode@example.com")),
    )
    assert changed.status_code == 200
    await login(client, "unicode@example.com", "sunset-over-the-volta-lake")
    # A common password stays common in full width.
    common = await client.post(
        "/api/v1/auth/register",
        json={"email": "wide@example.com", "password": _full_width("password12345678")},
    )
    assert common.status_code == 422
    assert "too common" in common.json()["errors"][0]["msg"]


# --- strict bodies --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/auth/register", {"email": "x@example.com", "password": PASSWORD}),
        ("/api/v1/auth/login", {"email": "x@example.com", "password": PASSWORD}),
        ("/api/v1/auth/passwordless/start", {"email": "x@example.com"}),
        ("/api/v1/auth/passwordless/verify", {"email": "x@example.com", "code": "123456"}),
        ("/api/v1/auth/email/verify", {"email": "x@example.com", "code": "123456"}),
        ("/api/v1/auth/password/forgot", {"email": "x@example.com"}),
        (
            "/api/v1/auth/password/reset",
            {"email": "x@example.com", "code": "123456", "new_password": PASSWORD},
        ),
        ("/api/v1/auth/google", {"id_token": "x" * 40}),
        ("/api/v1/auth/refresh", {"refresh_token": "x" * 40}),
        ("/api/v1/auth/logout", {"refresh_token": "x" * 40}),
    ],
)
async def test_unknown_fields_on_sign_in_bodies_are_422(
    runtime: Runtime,
    client: httpx.AsyncClient,
    smtp_server: SmtpServer,
    path: str,
    body: dict[str, str],
) -> None:
    response = await client.post(path, json={**body, "role": "admin"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"] == ["body", "role"]
    async with runtime.db.session() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(Account)) == 0
        assert await session.scalar(sa.select(sa.func.count()).select_from(EmailCode)) == 0


async def test_unknown_fields_on_consent_and_password_change_are_422(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    await make_account(runtime, "strict@example.com")
    headers = bearer(await login(client, "strict@example.com"))
    notice = (await client.get("/api/v1/privacy-notice")).json()
    consent = await client.post(
        "/api/v1/accounts/me/consent",
        json={"notice_version": notice["version"], "for_child": "Ama"},
        headers=headers,
    )
    assert consent.status_code == 422
    change = await client.post(
        "/api/v1/accounts/me/password",
        json={"current_password": PASSWORD, "new_password": "a-brand-new-phrase", "x": 1},
        headers=headers,
    )
    assert change.status_code == 422
    await login(client, "strict@example.com")  # the password did not change


# --- configuration --------------------------------------------------------------------------


def test_first_admin_email_follows_the_sign_in_rule() -> None:
    with pytest.raises(ValidationError, match="first_admin_email"):
        Settings(_env_file=None, first_admin_email="admin@school.test")  # type: ignore[call-arg]
    with pytest.raises(ConfigurationError, match="FIRST_ADMIN_PASSWORD"):
        Settings(  # type: ignore[call-arg]
            _env_file=None, first_admin_email="admin@school.example", first_admin_password="short"
        )


async def test_the_first_admin_from_settings_can_sign_in(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    configured = Settings(  # type: ignore[call-arg]
        _env_file=None,
        first_admin_email="Head.Teacher@School.example",
        first_admin_password=SecretStr(PASSWORD),
    )
    settings = runtime.settings.model_copy(
        update={
            "first_admin_email": configured.first_admin_email,
            "first_admin_password": configured.first_admin_password,
        }
    )
    async with runtime.db.session() as session:
        await ensure_first_admin(session, settings)
    tokens = await login(client, "head.teacher@school.example")
    assert (await client.get("/api/v1/admin/accounts", headers=bearer(tokens))).status_code == 200


def test_base_url_follows_port_in_dev() -> None:
    dev = Settings(_env_file=None, env="dev", port=9000)  # type: ignore[call-arg]
    assert dev.base_url == "http://localhost:9000"
    given = Settings(  # type: ignore[call-arg]
        _env_file=None, env="dev", port=9000, base_url="https://dev.wonderspaced.app"
    )
    assert given.base_url == "https://dev.wonderspaced.app"


_INLINE = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)


def _sha256(script: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"


@pytest.mark.parametrize("env", [Environment.prod, Environment.test])
async def test_docs_pages_have_a_policy_and_prod_forgets_the_token(
    runtime: Runtime, env: Environment
) -> None:
    app = create_app(settings=runtime.settings.model_copy(update={"env": env}))
    async with client_for(app, runtime) as client:
        docs = await client.get("/docs")
        redirect = await client.get("/docs/oauth2-redirect")
        redoc = await client.get("/redoc")
    assert docs.status_code == redirect.status_code == redoc.status_code == 200
    assert ('"persistAuthorization": true' in docs.text) is (env is not Environment.prod)
    for page in (docs, redirect, redoc):
        policy = page.headers["content-security-policy"]
        assert "default-src 'none'" in policy
        assert "frame-ancestors 'none'" in policy
        script_src = next(p for p in policy.split("; ") if p.startswith("script-src"))
        assert "'self'" in script_src
        assert "'unsafe-inline'" not in script_src
        for script in _INLINE.findall(page.content):
            assert _sha256(script) in script_src
        for src in re.findall(r'<script src="([^"]+)"', page.text):
            assert src.startswith("/docs/assets/")  # the app's own files: tests/test_docs.py
    api = await httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ).get("/health/live")
    assert api.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
