"""Sign-in flows: register and verify, password, passwordless code, Google; refresh, logout,
password reset and change. Every flow that sends email answers the same whether or not the
address has an account, so nobody can probe for accounts."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import service as accounts_service
from app.accounts.models import Account
from app.auth import codes, messages, sessions
from app.auth.codes import Purpose
from app.auth.schemas import TokenPair
from app.auth.tokens import TokenIssuer
from app.core.errors import Conflict, Forbidden, Unauthorized, UnprocessableEntity
from app.core.security import hash_password, verify_password
from app.emails import service as emails_service
from app.integrations.google_tokens import InvalidGoogleToken
from app.runtime import Runtime

logger = logging.getLogger(__name__)

WRONG_CREDENTIALS = "The email or password is not right."
WRONG_CODE = "The code is not right, or it has expired. Ask for a new one."


def _secret(runtime: Runtime) -> str:
    return runtime.settings.secret_key.get_secret_value()


async def _email(session: AsyncSession, to: str, message: tuple[str, str]) -> None:
    subject, text = message
    await emails_service.send_email(session, to=to, subject=subject, text=text)


async def _send_code(session: AsyncSession, runtime: Runtime, email: str, purpose: Purpose) -> None:
    code = await codes.issue(session, _secret(runtime), email, purpose)
    if code is None:
        logger.info("code send cap reached", extra={"purpose": purpose.value})
        return
    template = {
        Purpose.verify: messages.verify_code,
        Purpose.passwordless: messages.sign_in_code,
        Purpose.reset: messages.reset_code,
    }[purpose]
    await _email(session, email, template(code))


def access_token(tokens: TokenIssuer, account: Account) -> str:
    return tokens.issue(str(account.id), "access", role=account.role)


async def issue_pair(
    session: AsyncSession,
    runtime: Runtime,
    account: Account,
    rotation: sessions.Rotation | None = None,
) -> TokenPair:
    refresh = await sessions.add_token(
        session,
        runtime.settings,
        account.id,
        family_id=rotation.family_id if rotation else None,
        family_expires_at=rotation.family_expires_at if rotation else None,
    )
    return TokenPair(
        access_token=access_token(runtime.tokens, account),
        refresh_token=refresh,
        expires_in=runtime.tokens.ttl_seconds,
    )


def _ensure_active(account: Account) -> None:
    if account.disabled_at is not None:
        raise Forbidden("This account is disabled.", code="account_disabled")


async def register(session: AsyncSession, runtime: Runtime, email: str, password: str) -> None:
    normalized = accounts_service.normalize_email(email)
    existing = await accounts_service.get_by_email(session, normalized, lock=True)
    if existing is not None and existing.email_verified_at is not None:
        await _email(session, existing.email, messages.already_registered())
        return
    if existing is None:
        await accounts_service.create_account(session, email, password, verified=False)
    else:
        # Unverified: whoever proves the address with the code owns it, so an address
        # cannot be squatted by registering it first.
        existing.password_hash = await hash_password(password)
        await session.flush()
    await _send_code(session, runtime, normalized, Purpose.verify)


async def verify_email(session: AsyncSession, runtime: Runtime, email: str, code: str) -> TokenPair:
    normalized = accounts_service.normalize_email(email)
    if not await codes.consume(runtime.db, _secret(runtime), normalized, Purpose.verify, code):
        raise Unauthorized(WRONG_CODE, code="invalid_code")
    account = await accounts_service.get_by_email(session, normalized)
    if account is None:
        raise Unauthorized(WRONG_CODE, code="invalid_code")
    _ensure_active(account)
    await accounts_service.mark_verified(session, account)
    return await issue_pair(session, runtime, account)


async def authenticate(session: AsyncSession, email: str, password: str) -> Account:
    """The account these credentials open, checked in constant time per attempt."""
    account = await accounts_service.get_by_email(session, email)
    matches, upgraded = await verify_password(password, account.password_hash if account else None)
    if account is None or not matches:
        raise Unauthorized(WRONG_CREDENTIALS, code="invalid_credentials")
    _ensure_active(account)
    if upgraded:
        account.password_hash = upgraded  # parameters changed since it was hashed
        await session.flush()
    return account


async def login(session: AsyncSession, runtime: Runtime, email: str, password: str) -> TokenPair:
    account = await authenticate(session, email, password)
    if account.email_verified_at is None:
        # Its own transaction: the 403 below rolls the request back, the code must still go.
        async with runtime.db.session() as own:
            await _send_code(own, runtime, account.email.lower(), Purpose.verify)
        raise Forbidden("Confirm your email first: we sent a new code.", code="email_not_verified")
    return await issue_pair(session, runtime, account)


async def passwordless_start(session: AsyncSession, runtime: Runtime, email: str) -> None:
    normalized = accounts_service.normalize_email(email)
    account = await accounts_service.get_by_email(session, normalized)
    if account is not None and account.disabled_at is not None:
        return
    await _send_code(session, runtime, normalized, Purpose.passwordless)


async def passwordless_verify(
    session: AsyncSession, runtime: Runtime, email: str, code: str
) -> TokenPair:
    normalized = accounts_service.normalize_email(email)
    if not await codes.consume(
        runtime.db, _secret(runtime), normalized, Purpose.passwordless, code
    ):
        raise Unauthorized(WRONG_CODE, code="invalid_code")
    account = await accounts_service.get_by_email(session, normalized, lock=True)
    if account is None:
        account = await accounts_service.create_account(session, email, None, verified=True)
    _ensure_active(account)
    await accounts_service.mark_verified(session, account)
    return await issue_pair(session, runtime, account)


async def google_sign_in(session: AsyncSession, runtime: Runtime, id_token: str) -> TokenPair:
    client_ids: Sequence[str] = runtime.settings.google_client_ids
    if not client_ids:
        raise Forbidden("Google sign-in is not enabled here.", code="google_disabled")
    try:
        claims = await runtime.google_tokens.verify(id_token, client_ids)
    except InvalidGoogleToken as exc:
        raise Unauthorized("The Google token is not valid.", code="invalid_google_token") from exc
    sub = str(claims.get("sub") or "")
    email = str(claims.get("email") or "")
    email_verified = claims.get("email_verified") is True
    if not sub or not email:
        raise Unauthorized("The Google token has no account or email.", code="invalid_google_token")

    account = await accounts_service.get_by_google_sub(session, sub)
    if account is None:
        account = await accounts_service.get_by_email(session, email, lock=True)
        if account is not None:
            if not email_verified:
                raise Conflict(
                    "An account with this email exists; Google has not verified the email, so "
                    "sign in with your password instead.",
                    code="google_email_unverified",
                )
            if account.google_sub is not None:
                raise Conflict(
                    "This account is linked to another Google account.", code="google_mismatch"
                )
            account.google_sub = sub
            await accounts_service.mark_verified(session, account)
        else:
            account = await accounts_service.create_account(
                session, email, None, verified=email_verified, google_sub=sub
            )
    _ensure_active(account)
    return await issue_pair(session, runtime, account)


async def refresh(session: AsyncSession, runtime: Runtime, raw: str) -> TokenPair:
    try:
        rotation = await sessions.rotate(session, runtime.db, raw)
    except sessions.RefreshRejected as exc:
        raise Unauthorized(
            "The refresh token is not valid; sign in again.", code="invalid_refresh_token"
        ) from exc
    account = await accounts_service.get(session, rotation.account_id)
    if account is None or account.disabled_at is not None:
        await sessions.revoke_family(session, rotation.family_id)
        raise Forbidden("This account is disabled.", code="account_disabled")
    return await issue_pair(session, runtime, account, rotation)


async def logout(session: AsyncSession, raw: str) -> None:
    await sessions.revoke_family_of(session, raw)


async def logout_all(session: AsyncSession, account_id: uuid.UUID) -> None:
    await sessions.revoke_all(session, account_id)


async def forgot_password(session: AsyncSession, runtime: Runtime, email: str) -> None:
    normalized = accounts_service.normalize_email(email)
    account = await accounts_service.get_by_email(session, normalized)
    if account is None or account.disabled_at is not None:
        return
    await _send_code(session, runtime, normalized, Purpose.reset)


async def reset_password(
    session: AsyncSession, runtime: Runtime, email: str, code: str, new_password: str
) -> None:
    normalized = accounts_service.normalize_email(email)
    if not await codes.consume(runtime.db, _secret(runtime), normalized, Purpose.reset, code):
        raise Unauthorized(WRONG_CODE, code="invalid_code")
    account = await accounts_service.get_by_email(session, normalized, lock=True)
    if account is None:
        raise Unauthorized(WRONG_CODE, code="invalid_code")
    _ensure_active(account)
    await accounts_service.set_password(session, account, new_password)
    await accounts_service.mark_verified(session, account)  # the code proved the address
    await sessions.revoke_all(session, account.id)
    await _email(session, account.email, messages.password_changed())


async def change_password(
    session: AsyncSession,
    runtime: Runtime,
    account_id: uuid.UUID,
    current_password: str,
    new_password: str,
) -> TokenPair:
    account = await accounts_service.get_or_404(session, account_id)
    matches, _ = await verify_password(current_password, account.password_hash)
    if not matches:
        raise UnprocessableEntity("The current password is not right.", code="wrong_password")
    if current_password == new_password:
        raise UnprocessableEntity("Choose a password you have not used here.", code="same_password")
    await accounts_service.set_password(session, account, new_password)
    await sessions.revoke_all(session, account.id)
    await _email(session, account.email, messages.password_changed())
    return await issue_pair(session, runtime, account)


async def reauthenticate(
    session: AsyncSession,
    runtime: Runtime,
    account: Account,
    password: str | None,
    code: str | None,
) -> None:
    """Proof for a destructive step: the password, or a fresh sign-in code."""
    if password is not None:
        matches, _ = await verify_password(password, account.password_hash)
        if matches:
            return
    elif code is not None:
        email = account.email.lower()
        if await codes.consume(runtime.db, _secret(runtime), email, Purpose.passwordless, code):
            return
    else:
        raise Forbidden(
            "Confirm it is you: send your password, or a code from passwordless/start.",
            code="reauthentication_required",
        )
    raise Forbidden("That password or code is not right.", code="reauthentication_failed")


async def end_sessions(session: AsyncSession, account_id: uuid.UUID) -> None:
    """Revokes every refresh family of an account (demoted or disabled by an admin)."""
    await sessions.revoke_all(session, account_id)
