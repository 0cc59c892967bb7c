"""Password rules (NIST SP 800-63B-4, section 3.1.1.2): a password is the only factor here, so
at least 15 characters; up to 128; no composition rules; normalised to Unicode NFKC before
it is checked or hashed, so the same phrase typed on two keyboards is the same password; and
not one of the passwords attackers try first.

The list of common and breached passwords (data/common-passwords.txt.gz, 337,268 entries of
15 to 128 characters, NFKC and lower-cased) is read once, on first use, into a sorted array of
64-bit digests: 2.7 MB where a set of the strings took 39 MB of every instance's memory. A
false match needs a 64-bit collision with one of 337k entries. Where the list comes from is
in README.md ("Dependencies and security").
"""

from __future__ import annotations

import gzip
import hashlib
import unicodedata
from array import array
from bisect import bisect_left
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

MIN_LENGTH = 15
MAX_LENGTH = 128

COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt.gz"

# Words of this service that a list of other sites' passwords cannot know.
CONTEXT_WORDS = ("wonderspaced", "wonder spaced")


def _digest(lowered: str) -> int:
    return int.from_bytes(hashlib.blake2b(lowered.encode(), digest_size=8).digest(), "big")


@cache
def _common_digests() -> array[int]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        digests = sorted({_digest(line.rstrip("\n")) for line in lines if line.strip()})
    return array("Q", digests)


def is_common(password: str) -> bool:
    """Whether the password, lower-cased, is on the list of common and breached passwords."""
    digests = _common_digests()
    wanted = _digest(password.lower())
    at = bisect_left(digests, wanted)
    return at < len(digests) and digests[at] == wanted


def common_password_count() -> int:
    return len(_common_digests())


def normalize(password: object) -> object:
    if isinstance(password, str):
        return unicodedata.normalize("NFKC", password)
    return password  # not a string: the str check that follows reports it


def check_new_password(password: str) -> str:
    """The password if it may be chosen; ValueError saying why not otherwise."""
    lowered = password.lower()
    if is_common(lowered):
        raise ValueError("This password is too common; choose a longer phrase of your own.")
    if len(set(password)) <= 2:
        raise ValueError("This password repeats one or two characters; choose something longer.")
    remainder = lowered
    for word in CONTEXT_WORDS:
        remainder = remainder.replace(word, "")
    if len(remainder.strip("0123456789!@#$%^&*()-_=+.,;:?' ")) < 4:
        raise ValueError("This password is mostly the name of this app; choose your own phrase.")
    return password


NewPassword = Annotated[
    str,
    Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH, description="15 to 128 characters"),
    BeforeValidator(normalize),
    AfterValidator(check_new_password),
]
# Existing passwords are checked, not judged: only the upper bound guards the hasher.
GivenPassword = Annotated[
    str, Field(min_length=1, max_length=MAX_LENGTH), BeforeValidator(normalize)
]
