"""The profile-scope dependencies every `/profiles/{profile_id}/...` route uses.

`ProfileDep`: the explorer of that profile or its parent; another family's (or a sibling's)
id answers 404, exactly like one that does not exist. `ParentProfileDep`: the same, then the
parent zone, so an explorer token answers 403. `ScopedConnection` / `ScopedTransaction`: the
same rule as one plain statement on the request's asyncpg connection, for the hot paths that
need only the profile's id (a heartbeat, a quiz answer, "My adventures"): loading the whole
profile through the ORM measured as a fifth of a heartbeat's time.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request

from app.auth.deps import Caller, CallerDep, get_caller
from app.core.contract import reads_caller
from app.core.db import Connection, SessionDep, TransactionDep, work_of
from app.core.errors import Forbidden, NotFound
from app.profiles import queries
from app.profiles import service as profiles_service
from app.profiles.models import Profile

__all__ = [
    "ParentProfileDep",
    "ProfileDep",
    "ScopedConnection",
    "ScopedTransaction",
    "check_in_scope",
    "parent_profile",
    "profile_in_scope",
]


async def profile_in_scope(
    profile_id: uuid.UUID, caller: CallerDep, session: SessionDep
) -> Profile:
    return await profiles_service.get_for(session, caller, profile_id)


async def check_in_scope(
    conn: asyncpg.Connection[Any], caller: Caller, profile_id: uuid.UUID
) -> None:
    """`profiles_service.get_for`'s rule and answer, without loading the profile."""
    if caller.is_explorer and caller.profile_id != profile_id:
        raise NotFound("No such explorer.")
    if await queries.owner_of(conn, profile_id) != caller.account_id:
        raise NotFound("No such explorer.")


@reads_caller(required=True)
async def scoped_connection(profile_id: uuid.UUID, request: Request) -> Connection:
    """The request's connection, once the caller may act for this profile. The caller and the
    unit of work are read here rather than through dependencies of their own: on the hottest
    routes (heartbeats, My adventures) each dependency FastAPI solves is a measurable share
    of the request."""
    caller = await get_caller(request)
    conn = await work_of(request).connection()
    await check_in_scope(conn, caller, profile_id)
    return conn


async def scoped_transaction(
    profile_id: uuid.UUID, caller: CallerDep, conn: TransactionDep
) -> Connection:
    """The request's connection in the transaction the request commits, once the caller may
    act for this profile: for writes."""
    await check_in_scope(conn, caller, profile_id)
    return conn


async def parent_profile(
    profile: Annotated[Profile, Depends(profile_in_scope)], caller: CallerDep
) -> Profile:
    # Ownership first (another family's or a sibling's id is 404), then the parent zone.
    if caller.is_explorer:
        raise Forbidden("Ask a grown-up: this is for parents.", code="parents_only")
    return profile


ProfileDep = Annotated[Profile, Depends(profile_in_scope)]
ParentProfileDep = Annotated[Profile, Depends(parent_profile)]
ScopedConnection = Annotated[Connection, Depends(scoped_connection)]
ScopedTransaction = Annotated[Connection, Depends(scoped_transaction)]
