"""What may be uploaded for each purpose: content types, their file signatures, and sizes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MiB = 1024 * 1024


class Purpose(StrEnum):
    video = "video"
    image = "image"
    audio = "audio"
    captions = "captions"


@dataclass(frozen=True)
class Rule:
    max_bytes: int
    # content type -> file extension
    types: dict[str, str]


RULES: dict[Purpose, Rule] = {
    Purpose.video: Rule(2048 * MiB, {"video/mp4": ".mp4", "video/webm": ".webm"}),
    Purpose.image: Rule(
        15 * MiB, {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
    ),
    Purpose.audio: Rule(
        200 * MiB,
        {"audio/mpeg": ".mp3", "audio/mp4": ".m4a", "audio/ogg": ".ogg", "audio/wav": ".wav"},
    ),
    Purpose.captions: Rule(1 * MiB, {"text/vtt": ".vtt"}),
}

SNIFF_BYTES = 16


def looks_like(content_type: str, head: bytes) -> bool:
    """Whether the first bytes of a file match its declared type."""
    if content_type in {"video/mp4", "audio/mp4"}:
        return head[4:8] == b"ftyp"
    if content_type == "video/webm":
        return head.startswith(b"\x1a\x45\xdf\xa3")
    if content_type == "image/jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if content_type == "image/png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if content_type == "image/webp":
        return head.startswith(b"RIFF") and head[8:12] == b"WEBP"
    if content_type == "audio/mpeg":
        return head.startswith(b"ID3") or (
            len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
        )
    if content_type == "audio/ogg":
        return head.startswith(b"OggS")
    if content_type == "audio/wav":
        return head.startswith(b"RIFF") and head[8:12] == b"WAVE"
    if content_type == "text/vtt":
        return head.removeprefix(b"\xef\xbb\xbf").startswith(b"WEBVTT")
    return False
