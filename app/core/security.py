"""The one rule for an email address that signs in. Password hashing is app/core/hashing.py."""

from __future__ import annotations

from typing import Annotated

from pydantic import EmailStr, Field

# Sign-in bodies and FIRST_ADMIN_EMAIL use this one rule (email-validator, no DNS lookup;
# special-use domains such as .test or .local are refused), so an address accepted at start-up
# can always sign in.
EmailAddress = Annotated[EmailStr, Field(max_length=254)]
