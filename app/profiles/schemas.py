from __future__ import annotations

import re
import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    WithJsonSchema,
    model_validator,
)

from app.avatars.schemas import AvatarSelection
from app.profiles.models import Profile

# What a child's profile must never hold; named so the refusal can say why.
FORBIDDEN_FIELDS = {
    "birth_date": "birth date",
    "birthdate": "birth date",
    "birthday": "birth date",
    "date_of_birth": "birth date",
    "dob": "birth date",
    "age": "exact age",
    "name": "name",
    "full_name": "full name",
    "first_name": "name",
    "last_name": "name",
    "surname": "name",
    "email": "email address",
    "phone": "phone number",
    "phone_number": "phone number",
    "address": "address",
    "location": "location",
    "latitude": "location",
    "longitude": "location",
    "school": "school",
    "photo": "photo",
}

_URL = re.compile(
    r"(://|www\.|\b[a-z0-9-]+\.(com|net|org|io|app|gh|co|uk|me|info|biz|xyz|tv|ly)\b)",
    re.IGNORECASE,
)


class AgeBand(StrEnum):
    age_3_5 = "3-5"
    age_6_8 = "6-8"
    age_9_12 = "9-12"


def _clean_nickname(value: str) -> str:
    value = " ".join(value.split())
    if not 1 <= len(value) <= 30:
        raise ValueError("A nickname has 1 to 30 characters.")
    if "@" in value or _URL.search(value):
        raise ValueError("A nickname cannot contain a web address or an email address.")
    if any(not ch.isprintable() for ch in value):
        raise ValueError("A nickname cannot contain control characters.")
    return value


# Spaces are collapsed, then 1 to 30 characters: the pattern refuses blank names and "@"
# (web addresses and printable-only cannot be stated in a schema: README, Contract checks).
Nickname = Annotated[
    str,
    Field(min_length=1, max_length=30, pattern=r"^[^@\x00-\x1f]*[^\s@\x00-\x1f][^@\x00-\x1f]*$"),
    AfterValidator(_clean_nickname),
]
Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$", examples=["en", "tw", "ee"])]
# A decimal from 0.5 to 2.0 with at most two places, as a number or a string ("1.25").
NarrationSpeed = Annotated[
    Decimal,
    Field(ge=Decimal("0.5"), le=Decimal("2.0"), decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0.5, "maximum": 2.0, "multipleOf": 0.01},
                {
                    "type": "string",
                    "format": "decimal",
                    "pattern": r"^(0\.[5-9][0-9]?|1(\.[0-9]{1,2})?|2(\.00?)?)$",
                },
            ],
            "examples": ["1.00", "0.75"],
        },
        mode="validation",
    ),
]


class _NoPersonalData(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _refuse_personal_data(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key in data:
                what = FORBIDDEN_FIELDS.get(str(key).lower())
                if what:
                    raise ValueError(f"Wonderspaced never stores a child's {what}; remove '{key}'.")
        return data


class ProfileCreate(_NoPersonalData):
    nickname: Nickname
    age_band: AgeBand
    language: Language = "en"
    read_aloud: StrictBool = True
    narration_speed: NarrationSpeed = Decimal("1.00")


class ProfileUpdate(_NoPersonalData):
    nickname: Nickname | None = None
    age_band: AgeBand | None = None
    language: Language | None = None
    read_aloud: StrictBool | None = None
    narration_speed: NarrationSpeed | None = None


class ProfileOut(BaseModel):
    id: uuid.UUID
    nickname: str
    age_band: AgeBand
    language: str
    read_aloud: bool
    narration_speed: Decimal
    avatar: AvatarSelection
    avatar_url: str
    created_at: datetime

    @classmethod
    def of(cls, profile: Profile) -> ProfileOut:
        return cls(
            id=profile.id,
            nickname=profile.nickname,
            age_band=AgeBand(profile.age_band),
            language=profile.language,
            read_aloud=profile.read_aloud,
            narration_speed=profile.narration_speed,
            avatar=AvatarSelection.model_validate(profile.avatar or {}),
            avatar_url=f"/api/v1/profiles/{profile.id}/avatar.svg",
            created_at=profile.created_at,
        )


class KidSessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pin: Annotated[str | None, Field(pattern=r"^\d{4,6}$")] = None


class KidSession(BaseModel):
    explorer_token: str
    token_type: str = "bearer"  # noqa: S105  (the OAuth2 scheme name)
    expires_in: int
    profile: ProfileOut
