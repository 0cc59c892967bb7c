"""Examples of the sign-in operations."""

from __future__ import annotations

from typing import Any

EMAIL = "parent@example.com"
REGISTER_IN: dict[str, Any] = {"email": EMAIL, "password": "kente cloth and cocoa farms"}
CODE_IN: dict[str, Any] = {"email": EMAIL, "code": "493027"}
LOGIN_IN: dict[str, Any] = {"email": EMAIL, "password": "kente cloth and cocoa farms"}
TOKEN_FORM: dict[str, Any] = {
    "grant_type": "password",
    "username": EMAIL,
    "password": "kente cloth and cocoa farms",
}
EMAIL_IN: dict[str, Any] = {"email": EMAIL}
GOOGLE_IN: dict[str, Any] = {
    "id_token": "eyJhbGciOiJSUzI1NiIsImtpZCI6IjFlOWdkazcifQ.eyJzdWIiOiIxMDk..."
}
REFRESH_IN: dict[str, Any] = {"refresh_token": "Hk2v9pQ4yWm7Zt1cX8rB3nLs6dFa0gJe5uYo"}
RESET_IN: dict[str, Any] = {
    "email": EMAIL,
    "code": "493027",
    "new_password": "adinkra stamps and talking drums",
}
