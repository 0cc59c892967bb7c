"""The profile-scope dependencies every `/profiles/{profile_id}/...` route uses.

`ProfileDep`: the explorer of that profile or its parent; another family's (or a sibling's)
id answers 404, exactly like one that does not exist. `ParentProfileDep`: the same, then the
parent zone, so an explorer token answers 403.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from app.auth.deps import CallerDep
from app.core.db import SessionDep
from app.core.errors import Forbidden
from app.profiles import service as profiles_service
from app.profiles.models import Profile

__all__ = ["ParentProfileDep", "ProfileDep", "parent_profile", "profile_in_scope"]


async def profile_in_scope(
    profile_id: uuid.UUID, caller: CallerDep, session: SessionDep
) -> Profile:
    return await profiles_service.get_for(session, caller, profile_id)


async def parent_profile(
    profile: Annotated[Profile, Depends(profile_in_scope)], caller: CallerDep
) -> Profile:
    # Ownership first (another family's or a sibling's id is 404), then the parent zone.
    if caller.is_explorer:
        raise Forbidden("Ask a grown-up: this is for parents.", code="parents_only")
    return profile


ProfileDep = Annotated[Profile, Depends(profile_in_scope)]
ParentProfileDep = Annotated[Profile, Depends(parent_profile)]
