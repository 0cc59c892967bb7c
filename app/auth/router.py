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
from app.core.parts import SettingsDep
from app.integrations.parts import GoogleTokensDep

router = APIRouter(prefix="/auth", tags=["auth"])

SENT = Accepted(detail="If that address can receive email, a message is on its way.")
SIGN_IN_ERRORS = problem_responses(401, 403, 422, 429)


@router.post(
    "/register",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    responses=problem_responses(422, 429),
    summary="Create a parent account; a confirmation code is emailed",
)
async def register(
    body: RegisterIn, request: Request, session: SessionDep, settings: SettingsDep
) -> Accepted:
    await limits.limit(request, "send", limits.SEND_PER_IP, body.email, limits.SEND_PER_ACCOUNT)
    await auth_service.register(session, settings, body.email, body.password)
    return SENT


@router.post(
    "/email/verify",
    response_model=TokenPair,
    responses=SIGN_IN_ERRORS,
    summary="Confirm the email with its code; signs in",
)
async def verify_email(
    body: CodeIn,
    request: Request,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
    issuer: TokensDep,
) -> TokenPair:
    await limits.limit(
        request, "code", limits.CODE_CHECK_PER_IP, body.email, limits.CODE_CHECK_PER_ACCOUNT
    )
    tokens = await auth_service.verify_email(session, db, settings, issuer, body.email, body.code)
    await limits.signed_in(request, body.email)
    return tokens


@router.post(
    "/login", response_model=TokenPair, responses=SIGN_IN_ERRORS, summary="Sign in with a password"
)
async def login(
    body: LoginIn, request: Request, session: SessionDep, settings: SettingsDep, issuer: TokensDep
) -> TokenPair:
    async with limits.password_guess(request, body.email):
        tokens = await auth_service.login(session, settings, issuer, body.email, body.password)
    await limits.signed_in(request, body.email)
    return tokens


@router.post(
    "/token",
    name="oauth2_token",
    response_model=TokenPair,
    responses=SIGN_IN_ERRORS,
    summary="OAuth2 password flow (Swagger UI's Authorize button)",
)
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    issuer: TokensDep,
) -> TokenPair:
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
    responses=problem_responses(422, 429),
    summary="Email a sign-in code",
)
async def passwordless_start(
    body: EmailIn, request: Request, session: SessionDep, settings: SettingsDep
) -> Accepted:
    await limits.limit(request, "send", limits.SEND_PER_IP, body.email, limits.SEND_PER_ACCOUNT)
    await auth_service.passwordless_start(session, settings, body.email)
    return SENT


@router.post(
    "/passwordless/verify",
    response_model=TokenPair,
    responses=SIGN_IN_ERRORS,
    summary="Sign in with an emailed code (creates the account on first use)",
)
async def passwordless_verify(
    body: CodeIn,
    request: Request,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
    issuer: TokensDep,
) -> TokenPair:
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
    responses=problem_responses(401, 403, 409, 422, 429),
    summary="Sign in with a Google ID token",
)
async def google(
    body: GoogleIn,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    issuer: TokensDep,
    google_tokens: GoogleTokensDep,
) -> TokenPair:
    await limits.limit(request, "google", limits.GOOGLE_PER_IP)
    return await auth_service.google_sign_in(
        session, settings, issuer, google_tokens, body.id_token
    )


@router.post(
    "/refresh",
    name="refresh_tokens",
    response_model=TokenPair,
    responses=problem_responses(401, 403, 422, 429),
    summary="Trade a refresh token for a new pair (the old one stops working)",
)
async def refresh(
    body: RefreshIn,
    request: Request,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
    issuer: TokensDep,
) -> TokenPair:
    await limits.limit(request, "refresh", limits.REFRESH_PER_IP)
    return await auth_service.refresh(session, db, settings, issuer, body.refresh_token)


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(422),
    summary="Sign this device out (revokes its refresh token family)",
)
async def logout(body: RefreshIn, session: SessionDep) -> None:
    await auth_service.logout(session, body.refresh_token)


@router.post(
    "/logout-all",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(401),
    summary="Sign every device out",
)
async def logout_all(principal: CurrentPrincipal, session: SessionDep) -> None:
    await auth_service.logout_all(session, principal.account_id)


@router.post(
    "/password/forgot",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    responses=problem_responses(422, 429),
    summary="Email a password reset code",
)
async def forgot_password(
    body: EmailIn, request: Request, session: SessionDep, settings: SettingsDep
) -> Accepted:
    await limits.limit(request, "send", limits.SEND_PER_IP, body.email, limits.SEND_PER_ACCOUNT)
    await auth_service.forgot_password(session, settings, body.email)
    return SENT


@router.post(
    "/password/reset",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=SIGN_IN_ERRORS,
    summary="Set a new password with the emailed code; signs every device out",
)
async def reset_password(
    body: PasswordResetIn,
    request: Request,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
) -> None:
    await limits.limit(
        request, "code", limits.CODE_CHECK_PER_IP, body.email, limits.CODE_CHECK_PER_ACCOUNT
    )
    await auth_service.reset_password(
        session, db, settings, body.email, body.code, body.new_password
    )
