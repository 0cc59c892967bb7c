"""`/accounts/me` for the signed-in grown-up, and `/admin/accounts` for admins."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse

from app.accounts import service as accounts_service
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
from app.core.pagination import Page, PageParamsDep
from app.core.parts import RateLimiterDep, SettingsDep
from app.data_rights import DataRightsDep, Scope

router = APIRouter(tags=["accounts"])


@router.get(
    "/accounts/me", name="get_me", response_model=AccountOut, responses=problem_responses(401)
)
async def me(principal: CurrentPrincipal, session: SessionDep) -> AccountOut:
    return AccountOut.of(await accounts_service.get_or_404(session, principal.account_id))


@router.patch("/accounts/me", response_model=AccountOut, responses=problem_responses(401, 422))
async def update_me(
    body: AccountUpdate, principal: CurrentPrincipal, session: SessionDep
) -> AccountOut:
    account = await accounts_service.get_or_404(session, principal.account_id)
    return AccountOut.of(await accounts_service.update_profile(session, account, body))


@router.post(
    "/accounts/me/password",
    response_model=TokenPair,
    responses=problem_responses(401, 422),
    summary="Change the password; every other device is signed out",
)
async def change_password(
    body: PasswordChange,
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    settings: SettingsDep,
    tokens: TokensDep,
) -> TokenPair:
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
    responses=problem_responses(401, 403, 422),
    tags=["admin"],
)
async def list_accounts(
    principal: AdminPrincipal,
    session: SessionDep,
    page: PageParamsDep,
    q: Annotated[str | None, Query(max_length=100, description="Part of an email or name")] = None,
    role: Role | None = None,
) -> Page[AdminAccountOut]:
    return await accounts_service.admin_list(session, page, q, role)


@router.get(
    "/admin/accounts/{account_id}",
    name="admin_get_account",
    response_model=AdminAccountOut,
    responses=problem_responses(401, 403, 404),
    tags=["admin"],
)
async def get_account(
    account_id: uuid.UUID, principal: AdminPrincipal, session: SessionDep
) -> AdminAccountOut:
    return AdminAccountOut.of(await accounts_service.get_or_404(session, account_id))


@router.patch(
    "/admin/accounts/{account_id}",
    name="admin_update_account",
    response_model=AdminAccountOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    tags=["admin"],
    summary="Change an account's role, or disable / enable it",
)
async def update_account(
    account_id: uuid.UUID, body: AdminAccountUpdate, principal: AdminPrincipal, session: SessionDep
) -> AdminAccountOut:
    account, end_sessions = await accounts_service.admin_update(
        session, principal.account_id, account_id, body
    )
    if end_sessions:
        await auth_service.end_sessions(session, account.id)
    return AdminAccountOut.of(account)


# --- privacy: notice, consent, PIN, export, deletion -----------------------------------


@router.get(
    "/privacy-notice", name="get_privacy_notice", response_model=PrivacyNotice, tags=["privacy"]
)
async def privacy_notice() -> PrivacyNotice:
    return PrivacyNotice(version=NOTICE_VERSION, text=NOTICE_TEXT)


@router.post(
    "/accounts/me/consent",
    name="give_consent",
    response_model=ConsentOut,
    responses=problem_responses(401, 403, 409, 422),
    tags=["privacy"],
    summary="Accept the current privacy notice",
)
async def consent(body: ConsentIn, principal: CurrentPrincipal, session: SessionDep) -> ConsentOut:
    record = await accounts_service.record_consent(
        session, principal.account_id, body.notice_version
    )
    return ConsentOut(notice_version=record.notice_version, accepted_at=record.accepted_at)


@router.put(
    "/accounts/me/pin",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(401, 403, 422, 429),
    tags=["privacy"],
    summary="Set or change the parent PIN that guards kid mode",
)
async def set_pin(
    body: PinSet, principal: CurrentPrincipal, session: SessionDep, rate_limiter: RateLimiterDep
) -> None:
    account = await accounts_service.get_or_404(session, principal.account_id)
    await accounts_service.set_pin(session, rate_limiter, account, body.pin, body.current_pin)


@router.delete(
    "/accounts/me/pin",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=problem_responses(401, 403, 422, 429),
    tags=["privacy"],
)
async def remove_pin(
    body: PinRemove, principal: CurrentPrincipal, session: SessionDep, rate_limiter: RateLimiterDep
) -> None:
    account = await accounts_service.get_or_404(session, principal.account_id)
    await accounts_service.remove_pin(session, rate_limiter, account, body.current_pin)


@router.get(
    "/accounts/me/export",
    name="export_account",
    response_model=AccountExport,
    responses=problem_responses(401, 403),
    tags=["privacy"],
    summary="Everything stored about this account and its explorers, as one JSON document",
)
async def export(
    principal: CurrentPrincipal, session: SessionDep, rights: DataRightsDep
) -> JSONResponse:
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
    tags=["privacy"],
    summary="Delete the account, every explorer and everything stored about them",
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
    account = await accounts_service.get_or_404(session, principal.account_id)
    async with limits.password_guess(request, account.email):
        await auth_service.reauthenticate(db, settings, account, body.password, body.code)
    await auth_service.end_sessions(session, account.id)
    await rights.schedule_file_removal(session, Scope(account.id))
    await accounts_service.delete_account(session, account)
