"""`/auth/...`: sign-in, tokens and passwords."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import ValidationError

from app.auth import limits
from app.auth import service as auth_service
from app.auth.deps import CurrentPrincipal, TokensDep
from app.auth.examples import (
    CODE_IN,
    EMAIL_IN,
    FORGOT_PASSWORD_OUT,
    GOOGLE_IN,
    LOGIN_GOOGLE_OUT,
    LOGIN_IN,
    LOGIN_OUT,
    OAUTH2_TOKEN_OUT,
    PASSWORDLESS_START_OUT,
    PASSWORDLESS_VERIFY_OUT,
    REFRESH_IN,
    REFRESH_TOKENS_OUT,
    REGISTER_IN,
    REGISTER_OUT,
    RESET_IN,
    TOKEN_FORM,
    VERIFY_EMAIL_OUT,
)
from app.auth.schemas import (
    Accepted,
    CodeIn,
    EmailIn,
    GoogleIn,
    LoginIn,
    PasswordResetIn,
    RefreshIn,
    RegisterIn,
    TokenPair,
)
from app.core.db import DatabaseDep, SessionDep
from app.core.errors import problem_responses
from app.core.examples import request_example, response_example
from app.core.parts import SettingsDep
from app.integrations.parts import GoogleTokensDep

router = APIRouter(prefix="/auth", tags=["auth"])

SENT = Accepted(detail="If that address can receive email, a message is on its way.")
SIGN_IN_ERRORS = problem_responses(401, 403, 422, 429)


@router.post(
    "/register",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    responses={
        **problem_responses(422, 429),
        **response_example(202, REGISTER_OUT),
    },
    summary="Create a parent account; a confirmation code is emailed.",
    openapi_extra=request_example(REGISTER_IN),
)
async def register(
    body: RegisterIn, request: Request, session: SessionDep, settings: SettingsDep
) -> Accepted:
    """Creates a parent account with an email and password and emails a code that confirms the
    address (`POST /auth/email/verify`).

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** an address already registered gets the same answer, so the answer never tells who
    has an account; the password meets the length rules; per-address and per-IP limits apply
    (429).

    **Retries:** a retry answers the same and emails again; it never creates a second account.
    """
    await limits.limit(request, "send", limits.SEND_PER_IP, body.email, limits.SEND_PER_ACCOUNT)
    await auth_service.register(session, settings, body.email, body.password)
    return SENT


@router.post(
    "/email/verify",
    response_model=TokenPair,
    responses={
        **SIGN_IN_ERRORS,
        **response_example(200, VERIFY_EMAIL_OUT),
    },
    summary="Confirm the email with its code and sign in.",
    openapi_extra=request_example(CODE_IN),
)
async def verify_email(
    body: CodeIn,
    request: Request,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
    issuer: TokensDep,
) -> TokenPair:
    """Confirms the address with the emailed code and answers a token pair: the account is signed
    in.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** a wrong or expired code is a 401 `invalid_code`; wrong codes are limited; limits
    apply (429).

    **Retries:** the code is used once: a retry after success is a 401 `invalid_code`.
    """
    await limits.limit(
        request, "code", limits.CODE_CHECK_PER_IP, body.email, limits.CODE_CHECK_PER_ACCOUNT
    )
    tokens = await auth_service.verify_email(session, db, settings, issuer, body.email, body.code)
    await limits.signed_in(request, body.email)
    return tokens


@router.post(
    "/login",
    response_model=TokenPair,
    responses={
        **SIGN_IN_ERRORS,
        **response_example(200, LOGIN_OUT),
    },
    summary="Sign in with an email and password.",
    openapi_extra=request_example(LOGIN_IN),
)
async def login(
    body: LoginIn, request: Request, session: SessionDep, settings: SettingsDep, issuer: TokensDep
) -> TokenPair:
    """Answers an access token and a refresh token for the account.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** a wrong email or password is one answer, 401 `invalid_credentials`; a disabled
    account 403 `account_disabled`; per-address and per-IP limits apply (429).

    **Retries:** not idempotent: each success is another sign-in (its own refresh token).
    """
    async with limits.password_guess(request, body.email):
        tokens = await auth_service.login(session, settings, issuer, body.email, body.password)
    await limits.signed_in(request, body.email)
    return tokens


@router.post(
    "/token",
    name="oauth2_token",
    response_model=TokenPair,
    responses={
        **SIGN_IN_ERRORS,
        **response_example(200, OAUTH2_TOKEN_OUT),
    },
    summary="Sign in with the OAuth2 password flow (Swagger UI's Authorize button).",
    openapi_extra=request_example(TOKEN_FORM, "application/x-www-form-urlencoded"),
)
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    issuer: TokensDep,
) -> TokenPair:
    """The password sign-in as an OAuth2 token endpoint (form fields `username` and `password`),
    which Swagger UI's Authorize button uses.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** the same as `POST /auth/login`: 401 `invalid_credentials`, 403
    `account_disabled`, limits (429).

    **Retries:** not idempotent: each success is another sign-in.
    """
    try:
        body = LoginIn(email=form.username, password=form.password)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from exc
    async with limits.password_guess(request, body.email):
        tokens = await auth_service.login(session, settings, issuer, body.email, body.password)
    await limits.signed_in(request, body.email)
    return tokens


@router.post(
    "/passwordless/start",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    responses={
        **problem_responses(422, 429),
        **response_example(202, PASSWORDLESS_START_OUT),
    },
    summary="Email a sign-in code.",
    openapi_extra=request_example(EMAIL_IN),
)
async def passwordless_start(
    body: EmailIn, request: Request, session: SessionDep, settings: SettingsDep
) -> Accepted:
    """Emails a short-lived sign-in code to the address (`POST /auth/passwordless/verify` signs in
    with it).

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** the answer is the same whether or not the address has an account; per-address and
    per-IP limits apply (429).

    **Retries:** a retry emails another code; each code works once.
    """
    await limits.limit(request, "send", limits.SEND_PER_IP, body.email, limits.SEND_PER_ACCOUNT)
    await auth_service.passwordless_start(session, settings, body.email)
    return SENT


@router.post(
    "/passwordless/verify",
    response_model=TokenPair,
    responses={
        **SIGN_IN_ERRORS,
        **response_example(200, PASSWORDLESS_VERIFY_OUT),
    },
    summary="Sign in with an emailed code, creating the account on first use.",
    openapi_extra=request_example(CODE_IN),
)
async def passwordless_verify(
    body: CodeIn,
    request: Request,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
    issuer: TokensDep,
) -> TokenPair:
    """Signs in with the emailed code and answers a token pair; an address without an account gets
    a parent account.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** a wrong or expired code is a 401 `invalid_code`; wrong codes are limited; limits
    apply (429).

    **Retries:** the code is used once: a retry after success is a 401 `invalid_code`.
    """
    await limits.limit(
        request, "code", limits.CODE_CHECK_PER_IP, body.email, limits.CODE_CHECK_PER_ACCOUNT
    )
    tokens = await auth_service.passwordless_verify(
        session, db, settings, issuer, body.email, body.code
    )
    await limits.signed_in(request, body.email)
    return tokens


@router.post(
    "/google",
    name="login_google",
    response_model=TokenPair,
    responses={
        **problem_responses(401, 403, 409, 422, 429),
        **response_example(200, LOGIN_GOOGLE_OUT),
    },
    summary="Sign in with a Google ID token.",
    openapi_extra=request_example(GOOGLE_IN),
)
async def google(
    body: GoogleIn,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    issuer: TokensDep,
    google_tokens: GoogleTokensDep,
) -> TokenPair:
    """Verifies the Google ID token (signature, audience, expiry) and answers a token pair for the
    account of that Google user, created on first use.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** Google sign-in must be configured (403 `google_disabled`); an invalid token is a
    401 `invalid_google_token`; a Google email that is not verified 403
    `google_email_unverified`; an account linked to another Google user 409 `google_mismatch`.

    **Retries:** not idempotent: each success is another sign-in.
    """
    await limits.limit(request, "google", limits.GOOGLE_PER_IP)
    return await auth_service.google_sign_in(
        session, settings, issuer, google_tokens, body.id_token
    )


@router.post(
    "/refresh",
    name="refresh_tokens",
    response_model=TokenPair,
    responses={
        **problem_responses(401, 403, 422, 429),
        **response_example(200, REFRESH_TOKENS_OUT),
    },
    summary="Trade a refresh token for a new pair; the old one stops working.",
    openapi_extra=request_example(REFRESH_IN),
)
async def refresh(
    body: RefreshIn,
    request: Request,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
    issuer: TokensDep,
) -> TokenPair:
    """Answers a new access token and a new refresh token for the refresh token sent, which stops
    working.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** an unknown, expired or revoked refresh token is a 401 `invalid_refresh_token`;
    using an old one again revokes its whole family (every token descended from the same
    sign-in).

    **Retries:** not idempotent, on purpose: a refresh token works once, and a retry with it
    ends the sign-in.
    """
    await limits.limit(request, "refresh", limits.REFRESH_PER_IP)
    return await auth_service.refresh(session, db, settings, issuer, body.refresh_token)


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(422),
    summary="Sign this device out.",
    openapi_extra=request_example(REFRESH_IN),
)
async def logout(body: RefreshIn, session: SessionDep) -> None:
    """Revokes the refresh token sent and its whole family: this device's sign-in ends.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** an unknown refresh token is accepted too (the device is signed out either way).

    **Retries:** idempotent: signing out again answers the same.
    """
    await auth_service.logout(session, body.refresh_token)


@router.post(
    "/logout-all",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(401),
    summary="Sign every device out.",
)
async def logout_all(principal: CurrentPrincipal, session: SessionDep) -> None:
    """Ends every sign-in of the account on every device: refresh tokens are revoked and access
    tokens issued before now are refused on every instance.

    **Who may call:** a signed-in grown-up (parent, teacher, editor or admin), for their own
    account; an explorer is refused (403), anonymous callers 401.

    **Rules:** none beyond the caller's scope.

    **Retries:** idempotent: a repeat ends nothing more (this request's own token stops
    working).
    """
    await auth_service.logout_all(session, principal.account_id)


@router.post(
    "/password/forgot",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    responses={
        **problem_responses(422, 429),
        **response_example(202, FORGOT_PASSWORD_OUT),
    },
    summary="Email a password reset code.",
    openapi_extra=request_example(EMAIL_IN),
)
async def forgot_password(
    body: EmailIn, request: Request, session: SessionDep, settings: SettingsDep
) -> Accepted:
    """Emails a code that sets a new password (`POST /auth/password/reset`).

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** the answer is the same whether or not the address has an account; limits apply
    (429).

    **Retries:** a retry emails another code; each code works once.
    """
    await limits.limit(request, "send", limits.SEND_PER_IP, body.email, limits.SEND_PER_ACCOUNT)
    await auth_service.forgot_password(session, settings, body.email)
    return SENT


@router.post(
    "/password/reset",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=SIGN_IN_ERRORS,
    summary="Set a new password with the emailed code; every device is signed out.",
    openapi_extra=request_example(RESET_IN),
)
async def reset_password(
    body: PasswordResetIn,
    request: Request,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
) -> None:
    """Sets the new password and ends every sign-in of the account.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** a wrong or expired code is a 401 `invalid_code`; the password meets the length
    rules; limits apply (429).

    **Retries:** the code is used once: a retry after success is a 401 `invalid_code`.
    """
    await limits.limit(
        request, "code", limits.CODE_CHECK_PER_IP, body.email, limits.CODE_CHECK_PER_ACCOUNT
    )
    await auth_service.reset_password(
        session, db, settings, body.email, body.code, body.new_password
    )
