"""Password sign-in, the OAuth2 form for Swagger UI, and every way a bad token is refused."""

from __future__ import annotations

import time
import uuid

import httpx
import jwt
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pydantic import SecretStr

from app.accounts.models import Account, Role
from app.auth.tokens import InvalidToken, TokenIssuer
from app.core import hashing
from app.core.config import Environment, Settings
from app.runtime import Runtime
from app.seed import DEV_ADMIN_EMAIL, ensure_first_admin
from tests.support.auth import PASSWORD, bearer, login, make_account
from tests.support.smtp import SmtpServer


async def test_login_returns_a_token_pair_with_the_required_claims(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    account = await make_account(runtime, "adwoa@example.com")
    tokens = await login(client, "ADWOA@example.com")
    header = jwt.get_unverified_header(tokens["access_token"])
    assert header["alg"] == "HS256"
    assert header["kid"] == runtime.tokens.ring.active_kid
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert claims["sub"] == str(account.id)
    assert claims["iss"] == runtime.settings.jwt_issuer
    assert claims["aud"] == runtime.settings.jwt_audience
    assert claims["typ"] == "access"
    assert claims["role"] == "parent"
    assert claims["exp"] - claims["iat"] == 15 * 60
    assert len(claims["jti"]) == 32
    assert tokens["refresh_token"].count(".") == 0  # opaque, not a JWT
    me = await client.get("/api/v1/accounts/me", headers=bearer(tokens))
    assert me.json()["email"] == "adwoa@example.com"


async def test_wrong_password_and_unknown_email_look_the_same(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    await make_account(runtime, "yaa@example.com")
    wrong = await client.post(
        "/api/v1/auth/login", json={"email": "yaa@example.com", "password": "not-the-password"}
    )
    unknown = await client.post(
        "/api/v1/auth/login", json={"email": "nobody@example.com", "password": "not-the-password"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["code"] == "invalid_credentials"


async def test_unverified_account_answers_as_a_wrong_password_and_sends_nothing(
    live_runtime: Runtime, live_client: httpx.AsyncClient, smtp_server: SmtpServer
) -> None:
    # Before: 403 `email_not_verified` and a new code, which told anyone watching the address
    # that a registration was waiting.
    runtime, client = live_runtime, live_client
    await make_account(runtime, "nana@example.com", verified=False)
    right = await client.post(
        "/api/v1/auth/login", json={"email": "nana@example.com", "password": PASSWORD}
    )
    wrong = await client.post(
        "/api/v1/auth/login", json={"email": "nana@example.com", "password": "not-the-password"}
    )
    assert right.status_code == wrong.status_code == 401
    assert right.json() == wrong.json()
    assert right.json()["code"] == "invalid_credentials"
    await runtime.worker.run_due()
    assert smtp_server.to("nana@example.com") == []


async def test_disabled_account_cannot_sign_in(runtime: Runtime, client: httpx.AsyncClient) -> None:
    account = await make_account(runtime, "gone@example.com")
    async with runtime.db.session() as session:
        await session.execute(
            sa.update(Account).where(Account.id == account.id).values(disabled_at=sa.func.now())
        )
    response = await client.post(
        "/api/v1/auth/login", json={"email": "gone@example.com", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "account_disabled"


def test_production_hashes_with_owasp_parameters_and_only_tests_hash_cheaply(
    runtime: Runtime,
) -> None:
    assert (
        hashing.Argon2Parameters(memory_kib=19_456, time_cost=2, parallelism=1)
        == hashing.PRODUCTION
    )
    for env in (Environment.prod, Environment.dev):
        settings = runtime.settings.model_copy(update={"env": env})
        hasher = hashing.hasher_for(settings)
        assert hasher.parameters == hashing.PRODUCTION
        assert hasher.dummy_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert hashing.hasher_for(runtime.settings).parameters == hashing.TEST
    assert hashing.current().parameters == hashing.TEST  # this suite runs with ENV=test


@pytest.mark.usefixtures("production_hashing")
async def test_old_hash_parameters_are_upgraded_on_login(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    account = await make_account(runtime, "old@example.com", password=None)
    weak = PasswordHash((Argon2Hasher(memory_cost=8192, time_cost=1, parallelism=1),))
    async with runtime.db.session() as session:
        await session.execute(
            sa.update(Account)
            .where(Account.id == account.id)
            .values(password_hash=weak.hash(PASSWORD))
        )
    await login(client, "old@example.com")
    async with runtime.db.session() as session:
        stored = await session.scalar(
            sa.select(Account.password_hash).where(Account.id == account.id)
        )
    assert stored is not None
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


async def test_swagger_password_form_signs_the_dev_admin_in(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    async with runtime.db.session() as session:
        password = await ensure_first_admin(
            session, runtime.settings.model_copy(update={"env": Environment.dev})
        )
    assert password
    response = await client.post(
        "/api/v1/auth/token", data={"username": DEV_ADMIN_EMAIL, "password": password}
    )
    assert response.status_code == 200
    admin_list = await client.get("/api/v1/admin/accounts", headers=bearer(response.json()))
    assert admin_list.status_code == 200
    spec = (await client.get("/openapi.json")).json()
    flows = spec["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]
    assert flows["password"]["tokenUrl"] == "/api/v1/auth/token"


async def test_first_admin_comes_from_settings_once(runtime: Runtime) -> None:
    settings = runtime.settings.model_copy(
        update={
            "first_admin_email": "boss@example.com",
            "first_admin_password": SecretStr(PASSWORD),
        }
    )
    async with runtime.db.session() as session:
        assert await ensure_first_admin(session, settings) is None
        assert await ensure_first_admin(session, settings) is None
        admins = (
            await session.execute(
                sa.select(Account.email, Account.role).where(Account.role == "admin")
            )
        ).all()
    assert admins == [("boss@example.com", "admin")]


@pytest.mark.usefixtures("frozen_clock")
async def test_login_is_rate_limited_per_account_and_address(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    # Before: ten failures per account from anywhere, then 429 for everyone. Now per pair,
    # slowing down (tests/auth/test_guess_limits.py).
    await make_account(runtime, "target@example.com")
    body = {"email": "target@example.com", "password": "guess-guess-guess"}
    statuses = [(await client.post("/api/v1/auth/login", json=body)).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    refused = await client.post("/api/v1/auth/login", json={**body, "password": PASSWORD})
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0


@pytest.mark.usefixtures("frozen_clock")
async def test_login_is_rate_limited_per_ip(client: httpx.AsyncClient) -> None:
    statuses = [
        (
            await client.post(
                "/api/v1/auth/login",
                json={"email": f"u{i}@example.com", "password": "whatever-pass"},
            )
        ).status_code
        for i in range(21)
    ]
    assert statuses[:20] == [401] * 20
    assert statuses[20] == 429


# --- bad tokens: always a 401 problem, never a 5xx -----------------------------------------


def _claims(runtime: Runtime, **overrides: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": runtime.settings.jwt_issuer,
        "aud": runtime.settings.jwt_audience,
        "iat": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
        "sub": str(uuid.uuid4()),
        "typ": "access",
        "role": "admin",
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _signed(runtime: Runtime, claims: dict[str, object], kid: str | None = None) -> str:
    ring = runtime.tokens.ring
    kid = kid or ring.active_kid
    return jwt.encode(claims, ring.keys[ring.active_kid], algorithm="HS256", headers={"kid": kid})


def _rs256(runtime: Runtime) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return jwt.encode(
        _claims(runtime), pem, algorithm="RS256", headers={"kid": runtime.tokens.ring.active_kid}
    )


def _alg_none(runtime: Runtime) -> str:
    return jwt.encode(
        _claims(runtime), None, algorithm="none", headers={"kid": runtime.tokens.ring.active_kid}
    )


BAD_TOKENS = {
    "alg none": _alg_none,
    "RS256 instead of HS256": _rs256,
    "wrong issuer": lambda rt: _signed(rt, _claims(rt, iss="https://evil.example")),
    "wrong audience": lambda rt: _signed(rt, _claims(rt, aud="another-api")),
    "expired": lambda rt: _signed(
        rt, _claims(rt, iat=int(time.time()) - 3600, exp=int(time.time()) - 60)
    ),
    "no exp": lambda rt: _signed(rt, _claims(rt, exp=None)),
    "no jti": lambda rt: _signed(rt, _claims(rt, jti=None)),
    "unknown kid": lambda rt: _signed(rt, _claims(rt), kid="retired-2019"),
    "not a jwt": lambda rt: "definitely-not-a-token",
    "explorer type": lambda rt: _signed(rt, _claims(rt, typ="explorer")),
}


@pytest.mark.parametrize("make", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
async def test_bad_access_tokens_are_401(runtime: Runtime, client: httpx.AsyncClient, make) -> None:
    response = await client.get(
        "/api/v1/accounts/me", headers={"Authorization": f"Bearer {make(runtime)}"}
    )
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == "invalid_token"


async def test_refresh_token_is_not_an_access_token(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    await make_account(runtime, "mix@example.com")
    tokens = await login(client, "mix@example.com")
    as_access = await client.get(
        "/api/v1/accounts/me", headers={"Authorization": f"Bearer {tokens['refresh_token']}"}
    )
    assert as_access.status_code == 401
    as_refresh = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["access_token"]}
    )
    assert as_refresh.status_code == 401
    assert as_refresh.json()["code"] == "invalid_refresh_token"


async def test_tokens_in_the_query_string_are_refused(
    runtime: Runtime, client: httpx.AsyncClient
) -> None:
    await make_account(runtime, "url@example.com")
    tokens = await login(client, "url@example.com")
    response = await client.get(
        "/api/v1/accounts/me",
        params={"access_token": tokens["access_token"]},
        headers=bearer(tokens),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "token_in_url"
    # Public reads too: a token in a URL works nowhere, so no client learns to send one.
    for path in ("/api/v1/videos", "/api/v1/privacy-notice", "/api/v1/auth/refresh"):
        refused = await client.get(path, params={"token": tokens["access_token"]})
        assert refused.status_code == 400, path
        assert refused.json()["code"] == "token_in_url"


async def test_missing_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/accounts/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_keys_rotate_without_signing_anyone_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JWT_KEYS", f"2026a:{'a' * 40}")
    old = TokenIssuer.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    token = old.issue("someone", "access", role=Role.parent)
    monkeypatch.setenv("JWT_KEYS", f"2026a:{'a' * 40},2026b:{'b' * 40}")
    monkeypatch.setenv("JWT_ACTIVE_KID", "2026b")
    rotated = TokenIssuer.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    assert rotated.decode(token, "access")["sub"] == "someone"
    assert jwt.get_unverified_header(rotated.issue("x", "access"))["kid"] == "2026b"
    monkeypatch.setenv("JWT_KEYS", f"2026b:{'b' * 40}")
    monkeypatch.delenv("JWT_ACTIVE_KID")
    retired = TokenIssuer.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    with pytest.raises(InvalidToken):
        retired.decode(token, "access")


async def test_unknown_email_still_spends_a_password_check(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    hasher = hashing.current()
    checked: list[str] = []
    real_verify = hasher.pwd.verify

    def counting_verify(password: str, hashed: str) -> bool:
        checked.append(hashed)
        return real_verify(password, hashed)

    monkeypatch.setattr(hasher.pwd, "verify", counting_verify)
    response = await client.post(
        "/api/v1/auth/login",
        json={"email": "nobody-here@example.com", "password": "some-guess-pass"},
    )
    assert response.status_code == 401
    assert checked == [hasher.dummy_hash]  # a real argon2id verification, against a dummy


def test_a_remembered_token_still_expires(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.auth import tokens as tokens_module

    token = runtime.tokens.issue("someone", "access", role=Role.parent)
    assert runtime.tokens.decode(token, "access")["sub"] == "someone"
    assert runtime.tokens.decode(token, "access")["sub"] == "someone"  # from memory
    with pytest.raises(InvalidToken):
        runtime.tokens.decode(token, "explorer")  # the type is checked every time
    later = time.time() + 3600
    monkeypatch.setattr(tokens_module.time, "time", lambda: later)
    with pytest.raises(InvalidToken):
        runtime.tokens.decode(token, "access")
