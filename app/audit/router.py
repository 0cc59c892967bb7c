"""`GET /admin/audit`: the audit log, for admins."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from app.audit import service
from app.audit.examples import AUDIT_PAGE
from app.audit.schemas import Action, AuditEventOut, AuditFilters
from app.auth.deps import AdminPrincipal
from app.core.contract import ISO_ONLY
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.examples import response_example
from app.core.pagination import Page, PageParamsDep

router = APIRouter(prefix="/admin", tags=["audit"])


@router.get(
    "/audit",
    response_model=Page[AuditEventOut],
    responses={**problem_responses(401, 403), **response_example(200, AUDIT_PAGE)},
    summary="List staff writes, newest first.",
)
async def admin_list_audit_events(
    principal: AdminPrincipal,
    session: SessionDep,
    page: PageParamsDep,
    actor: Annotated[uuid.UUID | None, Query(description="Account id of the staff member")] = None,
    target_type: Annotated[str | None, Query(max_length=64, description="e.g. `video`")] = None,
    target_id: Annotated[str | None, Query(max_length=200)] = None,
    action: Action | None = None,
    from_: Annotated[
        datetime | None, Query(alias="from", description="At or after"), ISO_ONLY
    ] = None,
    to: Annotated[datetime | None, Query(description="Before"), ISO_ONLY] = None,
) -> Page[AuditEventOut]:
    """Lists the audit log in cursor pages: every write an editor or admin made (who, when, which
    route and row, what changed), newest first.

    **Who may call:** admins only; anyone else is refused (401 anonymous, 403 an explorer,
    parent, teacher or editor).

    **Rules:** `limit` is 1 to 100; a cursor is only valid as this list returned it.

    **Retries:** a read; repeating it changes nothing.
    """
    filters = AuditFilters(actor, target_type, target_id, action, from_, to)
    return await service.list_events(session, filters, page)
