"""The texts of sign-in emails."""

from __future__ import annotations

from app.auth.codes import CODE_TTL

_MINUTES = int(CODE_TTL.total_seconds() // 60)


def verify_code(code: str) -> tuple[str, str]:
    return (
        "Confirm your Wonderspaced email",
        f"Welcome to Wonderspaced!\n\nYour confirmation code is {code}.\n"
        f"It works once, for {_MINUTES} minutes.\n\n"
        "If you did not sign up, you can ignore this email.",
    )


def contested_code(code: str) -> tuple[str, str]:
    return (
        "Confirm your Wonderspaced email",
        "Someone asked to create a Wonderspaced account with this email more than once, with "
        "different passwords. It may have been you, or someone else.\n\n"
        f"Your confirmation code is {code}. It works once, for {_MINUTES} minutes. To keep "
        "your account safe it signs you in without a password: choose one afterwards with "
        "'Forgot password'.\n\nIf you did not sign up, you can ignore this email.",
    )


def already_registered() -> tuple[str, str]:
    return (
        "Someone tried to sign up with your email",
        "Someone (perhaps you) tried to create a Wonderspaced account with this email, "
        "but you already have one.\n\nSign in instead, or use 'Forgot password' to set a new "
        "password. If it was not you, nothing has changed and you can ignore this email.",
    )


def sign_in_code(code: str) -> tuple[str, str]:
    return (
        "Your Wonderspaced sign-in code",
        f"Your sign-in code is {code}.\nIt works once, for {_MINUTES} minutes.\n\n"
        "If you did not ask for it, you can ignore this email.",
    )


def reset_code(code: str) -> tuple[str, str]:
    return (
        "Reset your Wonderspaced password",
        f"Your password reset code is {code}.\nIt works once, for {_MINUTES} minutes.\n\n"
        "If you did not ask to reset your password, you can ignore this email; "
        "your password has not changed.",
    )


def password_changed() -> tuple[str, str]:
    return (
        "Your Wonderspaced password was changed",
        "The password of your Wonderspaced account was just changed, and every device was "
        "signed out.\n\nIf this was not you, reset your password now with 'Forgot password'.",
    )
