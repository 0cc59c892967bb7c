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

# Answers, as the demo gives them.
REGISTER_OUT: dict[str, Any] = {
    "detail": "If that address can receive email, a message is on its way."
}
VERIFY_EMAIL_OUT: dict[str, Any] = {
    "access_token": "eyJhbGciOiJIUzI1NiIsImtpZCI6ImRlcml2ZWQtMSJ9...signature",
    "refresh_token": "Hk2v9pQ4yWm7Zt1cX8rB3nLs6dFa0gJe5uYo",
    "token_type": "bearer",
    "expires_in": 900,
}
LOGIN_OUT: dict[str, Any] = {
    "access_token": "eyJhbGciOiJIUzI1NiIsImtpZCI6ImRlcml2ZWQtMSJ9...signature",
    "refresh_token": "Hk2v9pQ4yWm7Zt1cX8rB3nLs6dFa0gJe5uYo",
    "token_type": "bearer",
    "expires_in": 900,
}
OAUTH2_TOKEN_OUT: dict[str, Any] = {
    "access_token": "eyJhbGciOiJIUzI1NiIsImtpZCI6ImRlcml2ZWQtMSJ9...signature",
    "refresh_token": "Hk2v9pQ4yWm7Zt1cX8rB3nLs6dFa0gJe5uYo",
    "token_type": "bearer",
    "expires_in": 900,
}
PASSWORDLESS_START_OUT: dict[str, Any] = {
    "detail": "If that address can receive email, a message is on its way."
}
PASSWORDLESS_VERIFY_OUT: dict[str, Any] = {
    "access_token": "eyJhbGciOiJIUzI1NiIsImtpZCI6ImRlcml2ZWQtMSJ9...signature",
    "refresh_token": "Hk2v9pQ4yWm7Zt1cX8rB3nLs6dFa0gJe5uYo",
    "token_type": "bearer",
    "expires_in": 900,
}
LOGIN_GOOGLE_OUT: dict[str, Any] = {
    "access_token": "eyJhbGciOiJIUzI1NiIsImtpZCI6ImRlcml2ZWQtMSJ9...signature",
    "refresh_token": "Hk2v9pQ4yWm7Zt1cX8rB3nLs6dFa0gJe5uYo",
    "token_type": "bearer",
    "expires_in": 900,
}
REFRESH_TOKENS_OUT: dict[str, Any] = {
    "access_token": "eyJhbGciOiJIUzI1NiIsImtpZCI6ImRlcml2ZWQtMSJ9...signature",
    "refresh_token": "Hk2v9pQ4yWm7Zt1cX8rB3nLs6dFa0gJe5uYo",
    "token_type": "bearer",
    "expires_in": 900,
}
FORGOT_PASSWORD_OUT: dict[str, Any] = {
    "detail": "If that address can receive email, a message is on its way."
}
