"""`/accounts/me` for the signed-in grown-up, and `/admin/accounts` for admins."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse

from app.accounts import service as accounts_service
from app.accounts.examples import (
    ACCOUNT_UPDATE,
    ADMIN_ACCOUNT,
    ADMIN_ACCOUNT_PAGE,
    ADMIN_ACCOUNT_UPDATE,
    CHANGE_PASSWORD_OUT,
    CONSENT_IN,
    DEMO_TEACHER,
    EXPORT_ACCOUNT_OUT,
    GET_ME_OUT,
    GET_PRIVACY_NOTICE_OUT,
    GIVE_CONSENT_OUT,
    PASSWORD_CHANGE,
    PIN_REMOVE,
    PIN_SET,
    REAUTHENTICATION,
    UPDATE_ME_OUT,
)
from app.accounts.models import Role
from app.accounts.privacy import NOTICE_TEXT, NOTICE_VERSION
from app.accounts.schemas import (
    AccountExport,
    AccountOut,
    AccountUpdate,
    AdminAccountOut,
    AdminAccountUpdate,
    ConsentIn,
    ConsentOut,
    PasswordChange,
    PinRemove,
    PinSet,
    PrivacyNotice,
    Reauthentication,
)
from app.auth import limits
from app.auth import service as auth_service
from app.auth.deps import AdminPrincipal, CurrentPrincipal, TokensDep
from app.auth.schemas import TokenPair
from app.core.db import DatabaseDep, SessionDep
from app.core.errors import problem_responses
from app.core.examples import path_example, request_example, response_example
from app.core.pagination import Page, PageParamsDep
from app.core.parts import RateLimiterDep, SettingsDep
from app.data_rights import DataRightsDep, Scope

router = APIRouter(tags=["accounts"])


@router.get(
    "/accounts/me",
    name="get_me",
    response_model=AccountOut,
    responses={
        **problem_responses(401),
        **response_example(200, GET_ME_OUT),
    },
    summary="Read the signed-in account.",
)
async def me(principal: CurrentPrincipal, session: SessionDep) -> AccountOut:
    """Answers the signed-in grown-up's account: email, role, display name, language, time zone,
    whether the email is confirmed, and how it signs in (a password, Google).

    **Who may call:** a signed-in grown-up (parent, teacher, editor or admin), for their own
    account; an explorer is refused (403), anonymous callers 401.

    **Rules:** none beyond the caller's scope.

    **Retries:** a read; repeating it changes nothing.
    """
    return AccountOut.of(await accounts_service.get_or_404(session, principal.account_id))


@router.patch(
    "/accounts/me",
    response_model=AccountOut,
    responses={
        **problem_responses(401, 422),
        **response_example(200, UPDATE_ME_OUT),
    },
    summary="Change the signed-in account's own settings.",
    openapi_extra=request_example(ACCOUNT_UPDATE),
)
async def update_me(
    body: AccountUpdate, principal: CurrentPrincipal, session: SessionDep
) -> AccountOut:
    """Changes the fields sent (display name, time zone...) of the caller's own account; the others
    keep their value.

    **Who may call:** a signed-in grown-up (parent, teacher, editor or admin), for their own
    account; an explorer is refused (403), anonymous callers 401.

    **Rules:** a field the schema does not list is refused (422); the role, email and disabled
    state are not the account's to change here.

    **Retries:** idempotent: the same fields again change nothing more.
    """
    account = await accounts_service.get_or_404(session, principal.account_id)
    return AccountOut.of(await accounts_service.update_profile(session, account, body))


@router.post(
    "/accounts/me/password",
    response_model=TokenPair,
    responses={
        **problem_responses(401, 422),
        **response_example(200, CHANGE_PASSWORD_OUT),
    },
    summary="Change the password; every other device is signed out.",
    openapi_extra=request_example(PASSWORD_CHANGE),
)
async def change_password(
    body: PasswordChange,
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    settings: SettingsDep,
    tokens: TokensDep,
) -> TokenPair:
    """Sets a new password after checking the current one; every other sign-in of the account ends
    (its refresh tokens are revoked), this one stays.

    **Who may call:** a signed-in grown-up (parent, teacher, editor or admin), for their own
    account; an explorer is refused (403), anonymous callers 401.

    **Rules:** the current password must match (422 `wrong_password`); the new one differs from
    it (422 `same_password`) and meets the length rules; sign-in limits apply.

    **Retries:** a retry after success is refused (the current password changed), so it counts
    once.
    """
    account = await accounts_service.get_or_404(session, principal.account_id)
    # A guess at the current password like any sign-in, and counted with them.
    async with limits.password_guess(request, account.email):
        return await auth_service.change_password(
            session,
            settings,
            tokens,
            account.id,
            body.current_password,
            body.new_password,
        )


@router.get(
    "/admin/accounts",
    name="admin_list_accounts",
    response_model=Page[AdminAccountOut],
    responses={
        **problem_responses(401, 403, 422),
        **response_example(200, ADMIN_ACCOUNT_PAGE),
    },
    summary="List accounts for support, newest first.",
)
async def list_accounts(
    principal: AdminPrincipal,
    session: SessionDep,
    page: PageParamsDep,
    q: Annotated[str | None, Query(max_length=100, description="Part of an email or name")] = None,
    role: Role | None = None,
) -> Page[AdminAccountOut]:
    """Lists accounts in cursor pages, newest first, optionally filtered (role, email...), for
    support and role changes.

    **Who may call:** admins only; anyone else is refused (401 anonymous, 403 an explorer,
    parent, teacher or editor).

    **Rules:** `limit` is 1 to 100; a cursor is only valid as this list returned it.

    **Retries:** a read; repeating it changes nothing.
    """
    return await accounts_service.admin_list(session, page, q, role)


@router.get(
    "/admin/accounts/{account_id}",
    name="admin_get_account",
    response_model=AdminAccountOut,
    responses={
        **problem_responses(401, 403, 404),
        **response_example(200, ADMIN_ACCOUNT),
    },
    summary="Read one account for support.",
)
async def get_account(
    account_id: Annotated[uuid.UUID, path_example(DEMO_TEACHER)],
    principal: AdminPrincipal,
    session: SessionDep,
) -> AdminAccountOut:
    """Answers one account as admins see it: role, status, sign-in methods, the number of
    explorers.

    **Who may call:** admins only; anyone else is refused (401 anonymous, 403 an explorer,
    parent, teacher or editor).

    **Rules:** an unknown id is a 404.

    **Retries:** a read; repeating it changes nothing.
    """
    return AdminAccountOut.of(await accounts_service.get_or_404(session, account_id))


@router.patch(
    "/admin/accounts/{account_id}",
    name="admin_update_account",
    response_model=AdminAccountOut,
    responses={
        **problem_responses(401, 403, 404, 409, 422),
        **response_example(200, ADMIN_ACCOUNT),
    },
    summary="Change an account's role, or disable or enable it.",
    openapi_extra=request_example(ADMIN_ACCOUNT_UPDATE),
)
async def update_account(
    account_id: Annotated[uuid.UUID, path_example(DEMO_TEACHER)],
    body: AdminAccountUpdate,
    principal: AdminPrincipal,
    session: SessionDep,
) -> AdminAccountOut:
    """Changes an account's role or disabled state; a demotion or a disable ends every sign-in of
    that account at once, on every instance.

    **Who may call:** admins only; anyone else is refused (401 anonymous, 403 an explorer,
    parent, teacher or editor).

    **Rules:** an admin cannot change their own account (409 `self_change`); the body's fields
    are typed strictly.

    **Retries:** idempotent: the same change again changes nothing more.
    """
    account, end_sessions = await accounts_service.admin_update(
        session, principal.account_id, account_id, body
    )
    if end_sessions:
        await auth_service.end_sessions(session, account.id)
    return AdminAccountOut.of(account)


# --- privacy: notice, consent, PIN, export, deletion -----------------------------------


@router.get(
    "/privacy-notice",
    name="get_privacy_notice",
    response_model=PrivacyNotice,
    summary="Read the current privacy notice.",
    responses={**response_example(200, GET_PRIVACY_NOTICE_OUT)},
)
async def privacy_notice() -> PrivacyNotice:
    """Answers the privacy notice a parent accepts before creating explorers: its version, text and
    date.

    **Who may call:** anyone: anonymous callers, explorers and every grown-up (parent, teacher,
    editor, admin) get the same answer; a token, when sent, must be valid (401 otherwise).

    **Rules:** none.

    **Retries:** a read; repeating it changes nothing.
    """
    return PrivacyNotice(version=NOTICE_VERSION, text=NOTICE_TEXT)


@router.post(
    "/accounts/me/consent",
    name="give_consent",
    response_model=ConsentOut,
    responses={
        **problem_responses(401, 403, 409, 422),
        **response_example(200, GIVE_CONSENT_OUT),
    },
    summary="Accept the current privacy notice.",
    openapi_extra=request_example(CONSENT_IN),
)
async def consent(body: ConsentIn, principal: CurrentPrincipal, session: SessionDep) -> ConsentOut:
    """Records that the parent accepted this version of the privacy notice; explorers can be
    created from then on.

    **Who may call:** a signed-in grown-up (parent, teacher, editor or admin), for their own
    account; an explorer is refused (403), anonymous callers 401.

    **Rules:** the version sent must be the current one (409 `notice_outdated`).

    **Retries:** idempotent: accepting the same version again keeps the first acceptance.
    """
    record = await accounts_service.record_consent(
        session, principal.account_id, body.notice_version
    )
    return ConsentOut(notice_version=record.notice_version, accepted_at=record.accepted_at)


@router.put(
    "/accounts/me/pin",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(401, 403, 422, 429),
    summary="Set or change the parent PIN that guards kid mode.",
    openapi_extra=request_example(PIN_SET),
)
async def set_pin(
    body: PinSet, principal: CurrentPrincipal, session: SessionDep, rate_limiter: RateLimiterDep
) -> None:
    """Sets the parent PIN asked for before kid mode ends or a parent-zone screen opens; changing
    it ends the explorers' sessions started before.

    **Who may call:** a signed-in grown-up (parent, teacher, editor or admin), for their own
    account; an explorer is refused (403), anonymous callers 401.

    **Rules:** changing an existing PIN needs the current one (403 `wrong_pin`); the PIN is 4 to
    6 digits.

    **Retries:** idempotent: the same PIN again leaves it set.
    """
    account = await accounts_service.get_or_404(session, principal.account_id)
    await accounts_service.set_pin(session, rate_limiter, account, body.pin, body.current_pin)


@router.delete(
    "/accounts/me/pin",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(401, 403, 422, 429),
    summary="Remove the parent PIN.",
    openapi_extra=request_example(PIN_REMOVE),
)
async def remove_pin(
    body: PinRemove, principal: CurrentPrincipal, session: SessionDep, rate_limiter: RateLimiterDep
) -> None:
    """Removes the parent PIN; kid mode then starts and ends without one.

    **Who may call:** a signed-in grown-up (parent, teacher, editor or admin), for their own
    account; an explorer is refused (403), anonymous callers 401.

    **Rules:** the current PIN must be sent (403 `wrong_pin`).

    **Retries:** a repeat after success finds no PIN and changes nothing.
    """
    account = await accounts_service.get_or_404(session, principal.account_id)
    await accounts_service.remove_pin(session, rate_limiter, account, body.current_pin)


@router.get(
    "/accounts/me/export",
    name="export_account",
    response_model=AccountExport,
    responses={
        200: {"content": {"application/json": {"example": EXPORT_ACCOUNT_OUT}}},
        **problem_responses(401, 403),
    },
    summary="Export everything stored about this account and its explorers as one JSON document.",
)
async def export(
    principal: CurrentPrincipal, session: SessionDep, rights: DataRightsDep
) -> JSONResponse:
    """Answers, as one JSON document, every record the service keeps about the account and each of
    its explorers (profile, progress, quiz attempts, notifications, classrooms...), as the right
    of access asks.

    **Who may call:** a signed-in grown-up (parent, teacher, editor or admin), for their own
    account; an explorer is refused (403), anonymous callers 401.

    **Rules:** none beyond the caller's scope.

    **Retries:** a read; repeating it changes nothing.
    """
    document = {
        "exported_at": datetime.now(UTC).isoformat(),
        **await rights.export(session, principal.account_id),
    }
    return JSONResponse(
        document,
        headers={
            "Content-Disposition": 'attachment; filename="wonderspaced-export.json"',
            "Cache-Control": "no-store",
        },
    )


@router.delete(
    "/accounts/me",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(401, 403, 422, 429),
    summary="Delete the account, every explorer and everything stored about them.",
    openapi_extra=request_example(REAUTHENTICATION),
)
async def delete_me(
    body: Reauthentication,
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
    rights: DataRightsDep,
) -> None:
    """Deletes the account and, with it, every explorer and everything stored about them; their
    files go once the deletion commits, and every sign-in ends.

    **Who may call:** a signed-in grown-up (parent, teacher, editor or admin), for their own
    account; an explorer is refused (403), anonymous callers 401.

    **Rules:** a recent sign-in is required (403 `reauthentication_required`: confirm with the
    password or a fresh code in the body).

    **Retries:** a repeat after success is a 401 (the account is gone), and deletes nothing
    more.
    """
    account = await accounts_service.get_or_404(session, principal.account_id)
    async with limits.password_guess(request, account.email):
        await auth_service.reauthenticate(db, settings, account, body.password, body.code)
    await auth_service.end_sessions(session, account.id)
    await rights.schedule_file_removal(session, Scope(account.id))
    await accounts_service.delete_account(session, account)
