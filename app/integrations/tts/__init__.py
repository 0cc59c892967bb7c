"""Text to speech behind one interface: TTS_BACKEND=local (eSpeak NG from a wheel, offline)
or google (Cloud Text-to-Speech); both give word timings from the engine."""

from app.integrations.tts.base import (
    LanguageUnsupported,
    Speech,
    SpeechFailed,
    TextToSpeech,
    align,
    word_spans,
)
from app.integrations.tts.factory import create_tts

__all__ = [
    "LanguageUnsupported",
    "Speech",
    "SpeechFailed",
    "TextToSpeech",
    "align",
    "create_tts",
    "word_spans",
]
