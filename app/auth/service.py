"""Sign-in flows: register and verify, password, passwordless code, Google; refresh, logout,
password reset and change. Every flow that sends email answers the same whether or not the
address has an account, so nobody can probe for accounts.

An account nobody has verified yet may have been set up by someone who does not own the
address (a password registered in advance, a Google account claiming the address): when the
owner proves it by an emailed code or a verified Google email, whatever was set up before
and every session made before are dropped (`_proven`). A registration's confirmation code
proves the inbox, and keeps the password of that registration only (see `register`).
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import service as accounts_service
from app.accounts.models import Account
from app.auth import codes, messages, revocation, sessions
from app.auth.codes import Purpose
from app.auth.schemas import TokenPair
from app.auth.tokens import TokenIssuer, clock_us
from app.core.config import Settings
from app.core.db import Database
from app.core.errors import Conflict, Forbidden, Unauthorized, UnprocessableEntity
from app.core.hashing import hash_password, verify_password
from app.emails import service as emails_service
from app.integrations.google_tokens import GoogleTokenVerifier, InvalidGoogleToken

logger = logging.getLogger(__name__)

WRONG_CREDENTIALS = "The email or password is not right."
WRONG_CODE = "The code is not right, or it has expired. Ask for a new one."


def _secret(settings: Settings) -> str:
    return settings.secret_key.get_secret_value()


async def _email(session: AsyncSession, to: str, message: tuple[str, str]) -> None:
    subject, text = message
    await emails_service.send_email(session, to=to, subject=subject, text=text)


async def _send_code(
    session: AsyncSession, settings: Settings, email: str, purpose: Purpose
) -> None:
    code = await codes.issue(session, _secret(settings), email, purpose)
    if code is None:
        logger.info("code send cap reached", extra={"purpose": purpose.value})
        return
    template = {
        Purpose.passwordless: messages.sign_in_code,
        Purpose.reset: messages.reset_code,
    }[purpose]
    await _email(session, email, template(code))


def access_token(tokens: TokenIssuer, account: Account) -> str:
    return tokens.issue(str(account.id), "access", role=account.role)


async def issue_pair(
    session: AsyncSession,
    settings: Settings,
    tokens: TokenIssuer,
    account: Account,
    rotation: sessions.Rotation | None = None,
) -> TokenPair:
    refresh = await sessions.add_token(
        session,
        settings,
        account.id,
        family_id=rotation.family_id if rotation else None,
        family_expires_at=rotation.family_expires_at if rotation else None,
    )
    return TokenPair(
        access_token=access_token(tokens, account),
        refresh_token=refresh,
        expires_in=tokens.ttl_seconds,
    )


def _ensure_active(account: Account) -> None:
    if account.disabled_at is not None:
        raise Forbidden("This account is disabled.", code="account_disabled")


async def end_sessions(session: AsyncSession, account_id: uuid.UUID) -> None:
    """Ends every session of the account: its refresh families now, its access and explorer
    tokens on their next request (on every instance once this transaction commits). Tokens
    issued after this call, later in the same request, work."""
    await sessions.revoke_all(session, account_id)
    await revocation.end_tokens(session, account_id, clock_us())


async def _proven(session: AsyncSession, account: Account, *, keep_google: bool = False) -> None:
    """The owner of the address has just proven it. If nobody had before, what was set up on
    the account until now may be someone else's: it is dropped with every session, and so
    is any registration still waiting for its code."""
    if account.email_verified_at is not None:
        return
    account.password_hash = None
    account.registration_contested = False
    if not keep_google:
        account.google_sub = None
    await codes.void(session, account.email.lower(), Purpose.verify)
    await end_sessions(session, account.id)
    await accounts_service.mark_verified(session, account)


async def register(session: AsyncSession, settings: Settings, email: str, password: str) -> None:
    """Starts a registration: the password waits on the unverified account, and the account
    may use it once a code sent now confirms the address (`verify_email`).

    Nothing replaces a waiting password. Registering again with the same password sends a
    new code for the same registration. With another password, nobody can tell the owner of
    the address from someone who wants it, so the registration is contested: a code then
    confirms the address and signs its owner in, but keeps no password (the owner chooses
    one with a reset code), so neither registrant gets a password the owner did not choose.
    """
    normalized = accounts_service.normalize_email(email)
    # One registration of an address at a time, from reading what waits to sending the code.
    await codes.lock_address(session, normalized)
    account = await accounts_service.get_by_email(session, normalized, lock=True)
    verified = account is not None and account.email_verified_at is not None
    waiting = account.password_hash if account is not None and not verified else None
    # The same two hashing steps whether the address is unknown, verified or waiting, so the
    # time taken says nothing about it.
    same, _ = await verify_password(password, waiting)
    fresh = await hash_password(password)
    if account is not None and verified:
        # The warning counts against the address's hourly cap like any code.
        if await codes.record_notice(session, normalized):
            await _email(session, account.email, messages.already_registered())
        else:
            logger.info("code send cap reached", extra={"purpose": Purpose.notice.value})
        return
    if account is None:
        account = await accounts_service.create_account(
            session, email, None, verified=False, password_hash=fresh
        )
    elif waiting is None:
        account.password_hash = fresh
    elif not same:
        # Recorded whether or not an email can go out (the hourly cap may be spent): a code
        # already in the inbox must not keep the waiting password either.
        account.registration_contested = True
    await session.flush()
    code = await codes.issue(
        session, _secret(settings), normalized, Purpose.verify, binding=account.password_hash
    )
    if code is None:
        logger.info("code send cap reached", extra={"purpose": Purpose.verify.value})
        return
    contested = account.registration_contested
    message = messages.contested_code(code) if contested else messages.verify_code(code)
    await _email(session, normalized, message)


async def verify_email(
    session: AsyncSession,
    db: Database,
    settings: Settings,
    tokens: TokenIssuer,
    email: str,
    code: str,
) -> TokenPair:
    normalized = accounts_service.normalize_email(email)
    # A code is bound to the registration it was sent for: the password waiting then.
    spent, confirmed = await codes.confirm_registration(db, _secret(settings), normalized, code)
    if not spent:
        raise Unauthorized(WRONG_CODE, code="invalid_code")
    account = await accounts_service.get_by_email(session, normalized, lock=True)
    if account is None:
        raise Unauthorized(WRONG_CODE, code="invalid_code")
    _ensure_active(account)
    if account.email_verified_at is None:
        # The code proves the inbox and the registration it was sent for; a contested
        # registration proves no password.
        kept = account.password_hash == confirmed and not account.registration_contested
        await _proven(session, account)
        account.password_hash = confirmed if kept else None
        await session.flush()
    return await issue_pair(session, settings, tokens, account)


async def authenticate(session: AsyncSession, email: str, password: str) -> Account:
    """The account these credentials open, checked in constant time per attempt.

    An address nobody has confirmed answers exactly as a wrong password does, so nobody can
    watch it to learn whether a registration waits for its code."""
    account = await accounts_service.get_by_email(session, email)
    usable = account.password_hash if account and account.email_verified_at else None
    matches, upgraded = await verify_password(password, usable)
    if account is None or not matches:
        raise Unauthorized(WRONG_CREDENTIALS, code="invalid_credentials")
    _ensure_active(account)
    if upgraded:
        account.password_hash = upgraded  # parameters changed since it was hashed
        await session.flush()
    return account


async def login(
    session: AsyncSession,
    settings: Settings,
    tokens: TokenIssuer,
    email: str,
    password: str,
) -> TokenPair:
    account = await authenticate(session, email, password)
    return await issue_pair(session, settings, tokens, account)


async def _redeem_code(
    session: AsyncSession,
    db: Database,
    settings: Settings,
    email: str,
    purpose: Purpose,
    code: str,
) -> Account | None:
    """Spends a right code (a wrong one is a 401) and answers the address's account, locked
    for the change that follows, if there is one."""
    normalized = accounts_service.normalize_email(email)
    if not await codes.consume(db, _secret(settings), normalized, purpose, code):
        raise Unauthorized(WRONG_CODE, code="invalid_code")
    return await accounts_service.get_by_email(session, normalized, lock=True)


async def passwordless_start(session: AsyncSession, settings: Settings, email: str) -> None:
    normalized = accounts_service.normalize_email(email)
    account = await accounts_service.get_by_email(session, normalized)
    if account is not None and account.disabled_at is not None:
        return
    await _send_code(session, settings, normalized, Purpose.passwordless)


async def passwordless_verify(
    session: AsyncSession,
    db: Database,
    settings: Settings,
    tokens: TokenIssuer,
    email: str,
    code: str,
) -> TokenPair:
    account = await _redeem_code(session, db, settings, email, Purpose.passwordless, code)
    if account is None:
        account = await accounts_service.create_account(session, email, None, verified=True)
    _ensure_active(account)
    await _proven(session, account)
    return await issue_pair(session, settings, tokens, account)


GOOGLE_UNVERIFIED = (
    "Google has not verified this email address, so it cannot sign in here. "
    "Sign in with an emailed code instead."
)


async def google_sign_in(
    session: AsyncSession,
    settings: Settings,
    tokens: TokenIssuer,
    google: GoogleTokenVerifier,
    id_token: str,
) -> TokenPair:
    client_ids = settings.google_client_ids
    if not client_ids:
        raise Forbidden("Google sign-in is not enabled here.", code="google_disabled")
    try:
        claims = await google.verify(id_token, client_ids)
    except InvalidGoogleToken as exc:
        raise Unauthorized("The Google token is not valid.", code="invalid_google_token") from exc
    sub = str(claims.get("sub") or "")
    email = str(claims.get("email") or "")
    email_verified = claims.get("email_verified") is True
    if not sub or not email:
        raise Unauthorized("The Google token has no account or email.", code="invalid_google_token")

    account = await accounts_service.get_by_google_sub(session, sub)
    if account is not None:
        _ensure_active(account)
        if email_verified and email.lower() == account.email.lower():
            await _proven(session, account, keep_google=True)
        return await issue_pair(session, settings, tokens, account)
    if not email_verified:
        # Never creates nor links by an address Google does not vouch for; the same answer
        # whether or not an account has this address.
        raise Forbidden(GOOGLE_UNVERIFIED, code="google_email_unverified")
    account = await accounts_service.get_by_email(session, email, lock=True)
    if account is None:
        account = await accounts_service.create_account(
            session, email, None, verified=True, google_sub=sub
        )
        return await issue_pair(session, settings, tokens, account)
    _ensure_active(account)
    if account.email_verified_at is None:
        await _proven(session, account)
    elif account.google_sub is not None:
        raise Conflict("This account is linked to another Google account.", code="google_mismatch")
    account.google_sub = sub
    await session.flush()
    return await issue_pair(session, settings, tokens, account)


async def refresh(
    session: AsyncSession, db: Database, settings: Settings, tokens: TokenIssuer, raw: str
) -> TokenPair:
    try:
        rotation = await sessions.rotate(session, db, raw)
    except sessions.RefreshRejected as exc:
        raise Unauthorized(
            "The refresh token is not valid; sign in again.", code="invalid_refresh_token"
        ) from exc
    account = await accounts_service.get(session, rotation.account_id)
    if account is None or account.disabled_at is not None:
        await sessions.revoke_family(session, rotation.family_id)
        raise Forbidden("This account is disabled.", code="account_disabled")
    return await issue_pair(session, settings, tokens, account, rotation)


async def logout(session: AsyncSession, raw: str) -> None:
    await sessions.revoke_family_of(session, raw)


async def logout_all(session: AsyncSession, account_id: uuid.UUID) -> None:
    await end_sessions(session, account_id)


async def forgot_password(session: AsyncSession, settings: Settings, email: str) -> None:
    normalized = accounts_service.normalize_email(email)
    account = await accounts_service.get_by_email(session, normalized)
    if account is None or account.disabled_at is not None:
        return
    await _send_code(session, settings, normalized, Purpose.reset)


async def reset_password(
    session: AsyncSession,
    db: Database,
    settings: Settings,
    email: str,
    code: str,
    new_password: str,
) -> None:
    account = await _redeem_code(session, db, settings, email, Purpose.reset, code)
    if account is None:
        raise Unauthorized(WRONG_CODE, code="invalid_code")
    _ensure_active(account)
    await _proven(session, account)  # the code proved the address
    await accounts_service.set_password(session, account, new_password)
    await end_sessions(session, account.id)
    await _email(session, account.email, messages.password_changed())


async def change_password(
    session: AsyncSession,
    settings: Settings,
    tokens: TokenIssuer,
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
    await end_sessions(session, account.id)
    await _email(session, account.email, messages.password_changed())
    # Issued after the revocation: this device stays signed in, every other one is not.
    return await issue_pair(session, settings, tokens, account)


async def reauthenticate(
    db: Database,
    settings: Settings,
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
        if await codes.consume(db, _secret(settings), email, Purpose.passwordless, code):
            return
    else:
        raise Forbidden(
            "Confirm it is you: send your password, or a code from passwordless/start.",
            code="reauthentication_required",
        )
    raise Forbidden("That password or code is not right.", code="reauthentication_failed")
