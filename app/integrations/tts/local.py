"""eSpeak NG, offline, from the `espeakng-loader` wheel (its library and voice data ship in
the package: nothing from the OS, nothing from the network). Driven through its C API with
ctypes: the synthesis callback receives the audio and the word events, whose positions in
the text and in the audio give each word's timing."""

from __future__ import annotations

import asyncio
import ctypes
import threading
from functools import cache
from typing import Any

from app.integrations.tts.base import LanguageUnsupported, Speech, SpeechFailed, align

# espeak_AUDIO_OUTPUT: hand the audio to the callback, do not play it.
_AUDIO_OUTPUT_RETRIEVAL = 1
_CHARS_UTF8 = 1
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1
_PARAM_RATE = 1
_EE_OK = 0
# Words per minute at speed 1.0: a little slower than eSpeak's 175, for young listeners.
BASE_RATE = 150


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),  # 1-based, in characters
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),  # ms
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),
    ]


_Callback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


class _Engine:
    """The library: one per process (its state is global), used under one lock."""

    def __init__(self) -> None:
        import espeakng_loader  # type: ignore[import-untyped]

        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        lib.espeak_Synth.restype = ctypes.c_int
        data = espeakng_loader.get_data_path().encode()
        self.rate = lib.espeak_Initialize(_AUDIO_OUTPUT_RETRIEVAL, 0, data, 0)
        if self.rate <= 0:
            raise SpeechFailed("eSpeak NG could not start")
        self.lib = lib
        self.lock = threading.Lock()
        self._chunks: list[bytes] = []
        self._words: list[tuple[int, int]] = []
        # Kept on the instance: the library calls it for as long as the process lives.
        self._callback = _Callback(self._receive)
        lib.espeak_SetSynthCallback(self._callback)

    def _receive(self, wav: Any, samples: int, events: Any) -> int:
        if samples > 0:
            self._chunks.append(ctypes.string_at(wav, samples * 2))
        index = 0
        while events[index].type != _EVENT_LIST_TERMINATED:
            event = events[index]
            if event.type == _EVENT_WORD:
                self._words.append((event.text_position - 1, event.audio_position))
            index += 1
        return 0

    def has_voice(self, name: str) -> bool:
        with self.lock:
            return bool(self.lib.espeak_SetVoiceByName(name.encode()) == _EE_OK)

    def speak(self, text: str, voice: str, words_per_minute: int) -> Speech:
        data = text.encode()
        with self.lock:
            if self.lib.espeak_SetVoiceByName(voice.encode()) != _EE_OK:
                raise LanguageUnsupported(voice)
            self.lib.espeak_SetParameter(_PARAM_RATE, words_per_minute, 0)
            self._chunks, self._words = [], []
            status = self.lib.espeak_Synth(data, len(data) + 1, 0, 1, 0, _CHARS_UTF8, None, None)
            self.lib.espeak_Synchronize()
            chunks, events = self._chunks, self._words
            self._chunks, self._words = [], []
        if status != _EE_OK:
            raise SpeechFailed(f"eSpeak NG failed ({status})")
        pcm = b"".join(chunks)
        return Speech(pcm=pcm, sample_rate=self.rate, words=align(text, events, pcm, self.rate))


@cache
def _engine() -> _Engine:
    return _Engine()


# The languages of the app (app/catalog) eSpeak NG has no voice for; asking is cheaper
# than trying, and the answer must not depend on a voice file someone added.
UNSPOKEN = frozenset({"tw", "ak", "gaa", "ee"})


def _language(tag: str) -> str:
    return tag.split("-")[0].lower()


class LocalTextToSpeech:
    """eSpeak NG in this process; synthesis runs in a worker thread."""

    name = "local"

    def speaks(self, language: str) -> bool:
        base = _language(language)
        return base not in UNSPOKEN and _engine().has_voice(base)

    async def synthesize(
        self, text: str, language: str, *, voice: str | None = None, speed: float = 1.0
    ) -> Speech:
        if not self.speaks(language):
            raise LanguageUnsupported(language)
        name = voice or _language(language)
        if voice is not None and _language(voice) != _language(language):
            raise LanguageUnsupported(voice)
        rate = max(80, min(450, round(BASE_RATE * speed)))
        return await asyncio.to_thread(_engine().speak, text, name, rate)

    async def aclose(self) -> None:
        return None
