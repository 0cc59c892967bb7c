from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from app.accounts.models import Account, Role
from app.core.contract import shared_schema
from app.core.passwords import GivenPassword, NewPassword

_TIMEZONES = frozenset(available_timezones())


def _known_timezone(value: str) -> str:
    if value not in _TIMEZONES:
        raise ValueError("Unknown time zone; use an IANA name such as Africa/Accra.")
    return value


DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Locale = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$", examples=["en", "en-GH", "tw"])]
# An IANA name (`Africa/Accra`, `UTC`), checked against this server's zone database; one
# schema wherever a time zone is named (a pattern, not a 600-value enum: generators turn an
# enum's values into identifiers, and `GMT+0`, `GMT-0` and `GMT0` are one identifier).
TIMEZONE_PATTERN = r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$"
TimeZone = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=TIMEZONE_PATTERN,
        json_schema_extra=shared_schema(
            "Timezone",
            description="An IANA time zone name (the tz database), e.g. Africa/Accra",
            examples=["Africa/Accra", "Europe/London", "UTC"],
            format="timezone",
        ),
    ),
    AfterValidator(_known_timezone),
]


class AccountOut(BaseModel):
    id: uuid.UUID
    email: str
    role: Role
    display_name: str | None
    locale: str
    timezone: str
    email_verified: bool
    has_password: bool
    google_linked: bool
    created_at: datetime

    @classmethod
    def of(cls, account: Account) -> AccountOut:
        return cls(
            id=account.id,
            email=account.email,
            role=Role(account.role),
            display_name=account.display_name,
            locale=account.locale,
            timezone=account.timezone,
            email_verified=account.email_verified_at is not None,
            has_password=account.password_hash is not None,
            google_linked=account.google_sub is not None,
            created_at=account.created_at,
        )


class AccountUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: DisplayName | None = None
    locale: Locale | None = None
    timezone: TimeZone | None = None


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: GivenPassword
    new_password: NewPassword


class AdminAccountOut(AccountOut):
    disabled: bool

    @classmethod
    def of(cls, account: Account) -> AdminAccountOut:
        return cls(**AccountOut.of(account).model_dump(), disabled=account.disabled_at is not None)


class AdminAccountUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    disabled: StrictBool | None = None


Pin = Annotated[str, Field(pattern=r"^\d{4,6}$", description="4 to 6 digits")]


class PinSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pin: Pin
    current_pin: Pin | None = Field(default=None, description="Needed to change an existing PIN")


class PinRemove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_pin: Pin


class PrivacyNotice(BaseModel):
    version: str
    text: str


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    notice_version: str = Field(max_length=20)


class ConsentOut(BaseModel):
    notice_version: str
    accepted_at: datetime


class Reauthentication(BaseModel):
    """Proof that the parent is at the keyboard: the password, or a fresh sign-in code
    (from `POST /auth/passwordless/start`)."""

    model_config = ConfigDict(extra="forbid")

    password: GivenPassword | None = None
    code: Annotated[str | None, Field(pattern=r"^\d{6}$")] = None


class AccountExport(BaseModel):
    """A family's data: `exported_at`, then one section per part of the service (`account`,
    `consents`, `profiles`, `progress`, `quizzes`, `notifications`, `classrooms`...), each
    the JSON of what that part stores about this account and its explorers."""

    model_config = ConfigDict(extra="allow")

    exported_at: datetime
