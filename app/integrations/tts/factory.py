from __future__ import annotations

from app.core.config import Settings, TtsBackend
from app.integrations.tts.base import TextToSpeech


def create_tts(settings: Settings) -> TextToSpeech:
    if settings.tts_backend is TtsBackend.google:
        from app.integrations.tts.google import GoogleTextToSpeech

        return GoogleTextToSpeech(endpoint=settings.tts_google_endpoint)
    from app.integrations.tts.local import LocalTextToSpeech

    return LocalTextToSpeech()
