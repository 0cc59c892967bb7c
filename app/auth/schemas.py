from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.passwords import GivenPassword, NewPassword
from app.core.security import EmailAddress

Email = Annotated[EmailAddress, Field(examples=["parent@example.com"])]
Code = Annotated[str, Field(pattern=r"^\d{6}$", description="The 6-digit code from the email")]


class _Strict(BaseModel):
    # An unknown field is a mistake to report (422), like on every other write.
    model_config = ConfigDict(extra="forbid")


class RegisterIn(_Strict):
    email: Email
    password: NewPassword


class LoginIn(_Strict):
    email: Email
    password: GivenPassword


class EmailIn(_Strict):
    email: Email


class CodeIn(_Strict):
    email: Email
    code: Code


class PasswordResetIn(_Strict):
    email: Email
    code: Code
    new_password: NewPassword


class GoogleIn(_Strict):
    id_token: str = Field(min_length=10, max_length=4096)


class RefreshIn(_Strict):
    refresh_token: str = Field(min_length=20, max_length=4096)


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105  (the OAuth2 scheme name)
    expires_in: int = Field(description="Seconds until the access token expires")


class Accepted(BaseModel):
    detail: str
