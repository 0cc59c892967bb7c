"""The gate of an explorer's play, in the one dependency each hot route already takes.

`PlayConnection` / `PlayTransaction` are the profile scope's `ScopedConnection` /
`ScopedTransaction` plus the limits: for an explorer's token, one more indexed read (the
limits statement, app/limits/queries.py), and 403 `limit_reached` while the explorer is
locked. A parent's token is not gated and pays nothing."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request

from app.auth.deps import CallerDep, get_caller
from app.core.clock import ClockDep
from app.core.contract import reads_caller
from app.core.db import Connection, TransactionDep, work_of
from app.limits import service
from app.profiles.scope import check_in_scope

__all__ = ["PlayConnection", "PlayTransaction"]


@reads_caller(required=True)
async def play_connection(profile_id: uuid.UUID, request: Request, clock: ClockDep) -> Connection:
    caller = await get_caller(request)
    conn = await work_of(request).connection()
    await check_in_scope(conn, caller, profile_id)
    if caller.is_explorer:
        await service.enforce(conn, profile_id, clock())
    return conn


async def play_transaction(
    profile_id: uuid.UUID, caller: CallerDep, conn: TransactionDep, clock: ClockDep
) -> Connection:
    await check_in_scope(conn, caller, profile_id)
    if caller.is_explorer:
        await service.enforce(conn, profile_id, clock())
    return conn


PlayConnection = Annotated[Connection, Depends(play_connection)]
PlayTransaction = Annotated[Connection, Depends(play_transaction)]
