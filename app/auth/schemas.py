from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, EmailStr, Field

from app.core.passwords import GivenPassword, NewPassword

Email = Annotated[EmailStr, Field(max_length=254, examples=["parent@example.com"])]
Code = Annotated[str, Field(pattern=r"^\d{6}$", description="The 6-digit code from the email")]


class RegisterIn(BaseModel):
    email: Email
    password: NewPassword


class LoginIn(BaseModel):
    email: Email
    password: GivenPassword


class EmailIn(BaseModel):
    email: Email


class CodeIn(BaseModel):
    email: Email
    code: Code


class PasswordResetIn(BaseModel):
    email: Email
    code: Code
    new_password: NewPassword


class GoogleIn(BaseModel):
    id_token: str = Field(min_length=10, max_length=4096)


class RefreshIn(BaseModel):
    refresh_token: str = Field(min_length=20, max_length=4096)


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105  (the OAuth2 scheme name)
    expires_in: int = Field(description="Seconds until the access token expires")


class Accepted(BaseModel):
    detail: str
