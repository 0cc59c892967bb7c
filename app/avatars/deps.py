"""The part locks the modules declared (app/modules.py, `part_locks=`), as a dependency."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends, Request

from app.avatars.service import PartLocks


async def get_part_locks(request: Request) -> Sequence[PartLocks]:
    locks: Sequence[PartLocks] = request.app.state.runtime.registries.part_locks
    return locks


PartLocksDep = Annotated[Sequence[PartLocks], Depends(get_part_locks)]
