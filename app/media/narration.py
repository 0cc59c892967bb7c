"""Text read aloud by the text-to-speech engine, stored as an audio asset through the same
upload, check and processing as a recording an editor uploads, with the engine's word
timings (one [start_ms, end_ms] per word of the text, inside the stored audio)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from app.integrations.storage import Storage
from app.integrations.tts import SpeechFailed, TextToSpeech
from app.media import encode
from app.media import service as media_service
from app.media.models import MediaAsset
from app.media.policy import Purpose


async def speak(
    session: AsyncSession,
    storage: Storage,
    tts: TextToSpeech,
    text: str,
    language: str,
    *,
    filename: str,
    title: str,
    max_image_pixels: int,
    voice: str | None = None,
    speed: float = 1.0,
    account_id: uuid.UUID | None = None,
) -> tuple[MediaAsset, list[list[int]]]:
    """The asset (ready) and the word timings. Raises LanguageUnsupported."""
    speech = await tts.synthesize(text, language, voice=voice, speed=speed)
    audio = encode.m4a(speech.pcm, speech.sample_rate, title=title)
    asset = await media_service.upload_file(
        session,
        storage,
        account_id,
        Purpose.audio,
        "audio/mp4",
        filename,
        audio,
        max_image_pixels=max_image_pixels,
    )
    if asset.status != "ready":  # the engine's audio would not decode: try again later
        raise SpeechFailed(f"the spoken audio failed processing: {asset.failure_reason}")
    return asset, within(speech.words, asset.duration_ms or speech.duration_ms)


def within(words: Sequence[tuple[int, int]], duration_ms: int) -> list[list[int]]:
    """The engine's timings, the last ones pulled inside the stored audio's duration (its
    encoder may round the end by a few milliseconds)."""
    timings: list[list[int]] = []
    limit = duration_ms
    for start, end in reversed(words):
        end = min(end, limit)
        start = min(start, end - 1)
        timings.append([max(0, start), end])
        limit = start
    return list(reversed(timings))
