"""Password rules (NIST SP 800-63B): 12 to 128 characters, no composition rules, and not one
of the passwords attackers try first."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

MIN_LENGTH = 12
MAX_LENGTH = 128

# Passwords of 12+ characters that lead breached-password lists, plus this app's obvious ones.
COMMON_PASSWORDS = frozenset(
    {
        "123456789012",
        "1234567890123",
        "12345678901234",
        "123456789123",
        "111111111111",
        "000000000000",
        "123123123123",
        "112233445566",
        "121212121212",
        "987654321987",
        "password1234",
        "password12345",
        "password123456",
        "password1234567",
        "passwordpassword",
        "password!234",
        "p@ssword1234",
        "p@ssw0rd1234",
        "passw0rd1234",
        "password2024",
        "password2025",
        "password2026",
        "qwertyuiop12",
        "qwertyuiopas",
        "qwertyuiopasdf",
        "qwerty123456",
        "qwerty1234567",
        "1qaz2wsx3edc",
        "1q2w3e4r5t6y",
        "zaq12wsxcde3",
        "asdfghjkl123",
        "asdfghjkl;'",
        "zxcvbnm12345",
        "abcdefghijkl",
        "abcdef123456",
        "abc123abc123",
        "iloveyou1234",
        "iloveyouiloveyou",
        "letmein12345",
        "welcome12345",
        "welcome123456",
        "changeme1234",
        "administrator",
        "admin1234567",
        "adminadmin123",
        "monkey123456",
        "dragon123456",
        "football1234",
        "baseball1234",
        "superman1234",
        "sunshine1234",
        "princess1234",
        "trustno1trustno1",
        "starwars1234",
        "whatever1234",
        "computer1234",
        "internet1234",
        "mypassword123",
        "mypassword1234",
        "thisismypassword",
        "correcthorsebatterystaple",
        "letmeinletmein",
        "secretsecret",
        "testtesttest",
        "test12345678",
        "qazwsxedcrfv",
        "google123456",
        "facebook1234",
        "samsung12345",
        "wonderspaced",
        "wonderspaced1",
        "wonderspaced123",
        "wonderspaced2026",
        "ghana1234567",
        "accra1234567",
        "anansi123456",
        "kidskidskids",
        "mychildren123",
        "myfamily1234",
    }
)


def _not_common(password: str) -> str:
    if password.lower() in COMMON_PASSWORDS:
        raise ValueError("This password is too common; choose a longer phrase of your own.")
    if len(set(password)) <= 2:
        raise ValueError("This password repeats one or two characters; choose something longer.")
    return password


NewPassword = Annotated[
    str,
    Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH, description="12 to 128 characters"),
    AfterValidator(_not_common),
]
# Existing passwords are checked, not judged: only the upper bound guards the hasher.
GivenPassword = Annotated[str, Field(min_length=1, max_length=MAX_LENGTH)]
