"""`/accounts/me` for the signed-in grown-up, and `/admin/accounts` for admins."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from app.accounts import service as accounts_service
from app.accounts.models import Role
from app.accounts.schemas import (
    AccountOut,
    AccountUpdate,
    AdminAccountOut,
    AdminAccountUpdate,
    PasswordChange,
)
from app.auth import service as auth_service
from app.auth.deps import AdminPrincipal, CurrentPrincipal
from app.auth.schemas import TokenPair
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.pagination import Page, PageParamsDep
from app.deps import RuntimeDep

router = APIRouter(tags=["accounts"])


@router.get("/accounts/me", response_model=AccountOut, responses=problem_responses(401))
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
    body: PasswordChange, principal: CurrentPrincipal, session: SessionDep, runtime: RuntimeDep
) -> TokenPair:
    return await auth_service.change_password(
        session, runtime, principal.account_id, body.current_password, body.new_password
    )


@router.get(
    "/admin/accounts",
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
