"""Text to speech behind one interface: TTS_BACKEND=local speaks offline with eSpeak NG (from
the `espeakng-loader` wheel), google with Google Cloud Text-to-Speech. Either answers the
audio as PCM and one [start_ms, end_ms] per word of the text, taken from the engine itself
(eSpeak's word events, Google's SSML marks), never spread evenly."""

from __future__ import annotations

import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class LanguageUnsupported(ValueError):
    """The engine has no voice for this language (a recording must be uploaded instead)."""

    def __init__(self, language: str) -> None:
        super().__init__(f"no voice for language {language!r}")
        self.language = language


class SpeechFailed(RuntimeError):
    """The engine failed on its side (retry later)."""


@dataclass(frozen=True)
class Speech:
    """Mono 16-bit PCM at `sample_rate`, and per word of the text its [start_ms, end_ms]."""

    pcm: bytes
    sample_rate: int
    words: list[tuple[int, int]]

    @property
    def duration_ms(self) -> int:
        return len(self.pcm) * 1000 // (2 * self.sample_rate)


class TextToSpeech(Protocol):
    name: str

    def speaks(self, language: str) -> bool:
        """Whether the engine has a voice for this language (BCP 47, e.g. `en`, `tw`)."""
        ...

    async def synthesize(
        self, text: str, language: str, *, voice: str | None = None, speed: float = 1.0
    ) -> Speech:
        """The text spoken; raises LanguageUnsupported, or SpeechFailed on the engine's side."""
        ...

    async def aclose(self) -> None: ...


def word_spans(text: str) -> list[tuple[int, int]]:
    """The [start, end) character offsets of each whitespace-separated word of `text`: the
    words an eBook page's timings count (`len(text.split())` of them)."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for index, char in enumerate(text):
        if char.isspace():
            if start is not None:
                spans.append((start, index))
                start = None
        elif start is None:
            start = index
    if start is not None:
        spans.append((start, len(text)))
    return spans


SILENCE = 400  # amplitude under which a sample counts as silence (of 32767)


def _voiced_end(samples: Sequence[int], rate: int, start_ms: int, end_ms: int) -> int:
    """The end of the sound between start and end: trailing silence (a pause after a comma
    or a full stop) belongs to no word."""
    first = start_ms * rate // 1000
    index = min(len(samples), end_ms * rate // 1000) - 1
    while index > first and abs(samples[index]) < SILENCE:
        index -= 1
    return max(start_ms + 1, (index + 1) * 1000 // rate)


def align(
    text: str, starts: Sequence[tuple[int, int]], pcm: bytes, sample_rate: int
) -> list[tuple[int, int]]:
    """One [start_ms, end_ms] per word of `text`, in order, each inside the audio.

    `starts` are the engine's word events: (character offset in `text`, start in ms). A
    word of the text that has no event of its own (an engine reads "in the" as one unit, or
    skips a dash) shares the time of the word before it; a word ends where the next begins,
    less the silence before it."""
    samples = array.array("h")
    samples.frombytes(pcm[: len(pcm) - len(pcm) % 2])
    total_ms = len(samples) * 1000 // sample_rate
    spans = word_spans(text)
    events = sorted(starts)
    found: list[int | None] = []
    cursor = 0
    for begin, end in spans:
        while cursor < len(events) and events[cursor][0] < begin:
            cursor += 1
        times = []
        while cursor < len(events) and events[cursor][0] < end:
            times.append(events[cursor][1])
            cursor += 1
        found.append(min(times) if times else None)
    # Words without an event split the time of the word before them.
    begins: list[int] = []
    for index, start in enumerate(found):
        if start is not None:
            begins.append(min(start, total_ms))
            continue
        previous = begins[-1] if begins else 0
        following = next((s for s in found[index + 1 :] if s is not None), total_ms)
        begins.append(previous + (min(following, total_ms) - previous) // 2)
    # Strictly increasing starts, so every word gets some time of its own.
    timings: list[tuple[int, int]] = []
    for index, start in enumerate(begins):
        floor = timings[-1][1] if timings else 0
        start = max(start, floor)
        following = begins[index + 1] if index + 1 < len(begins) else total_ms
        end = _voiced_end(samples, sample_rate, start, max(following, start + 1))
        end = min(max(end, start + 1), max(total_ms, start + 1))
        timings.append((start, end))
    return _fit(timings, total_ms)


def _fit(timings: list[tuple[int, int]], total_ms: int) -> list[tuple[int, int]]:
    """Squeezes the last words back inside the audio if rounding pushed them out."""
    if not timings or timings[-1][1] <= total_ms:
        return timings
    fitted: list[tuple[int, int]] = []
    limit = total_ms
    for start, end in reversed(timings):
        end = min(end, limit)
        start = min(start, end - 1)
        fitted.append((max(start, 0), end))
        limit = start
    return list(reversed(fitted))
