"""The demo's source files, made on first start and kept under DATA_DIR/demo: pictures
(PNG), narrated videos (H.264/AAC MP4 with WebVTT captions of what is said) and stand-in
recordings. A file is made once: its name carries a fingerprint of what it shows and says, so
a second start finds everything and makes nothing, and a changed script makes only what
changed. These are what an editor would upload; the seeds upload them through the editor's
path (app/catalog/seed.py)."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import logging
import math
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from app.integrations.tts import Speech, TextToSpeech, word_spans
from app.media import encode
from app.media.demo import draw
from app.media.demo.content import DemoVideo
from app.media.demo.scenes import SCENES, picture

logger = logging.getLogger(__name__)

# Bumped when the drawings or the encoding change: every file is made again.
GENERATION = "1"
VIDEO_SIZE = (640, 360)
FPS = 12
DRAWN_PER_SECOND = 6  # new drawings per second; each is shown FPS / DRAWN_PER_SECOND times
TITLE_MS = 1500  # the title card, before the narrator speaks
TAIL_MS = 1000
PICTURE_SIZE = (800, 600)
CUE_WORDS = 12  # a caption cue holds at most this many words


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256(repr((GENERATION, *parts)).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class VideoFiles:
    mp4: bytes
    vtt: bytes


@dataclass(frozen=True)
class Recording:
    m4a: bytes
    word_timings: list[list[int]]


class DemoMedia:
    """Makes (or finds) the demo's files in `folder`, speaking with `tts`."""

    def __init__(self, folder: Path, tts: TextToSpeech) -> None:
        self.folder = folder
        self.tts = tts

    def _path(self, kind: str, name: str, fingerprint: str, suffix: str) -> Path:
        return self.folder / kind / f"{name}-{fingerprint}{suffix}"

    async def picture(
        self, scene: str, title: str = "", size: tuple[int, int] = PICTURE_SIZE
    ) -> bytes:
        path = self._path("pictures", scene, _fingerprint(scene, title, size), ".png")
        if not path.exists():
            await asyncio.to_thread(_write, path, _png(scene, title, size))
        return path.read_bytes()

    async def video(self, video: DemoVideo) -> VideoFiles:
        name = video.title.lower().replace(" ", "-").replace(":", "")
        key = _fingerprint(video, self.tts.name, VIDEO_SIZE, FPS)
        mp4, vtt = self._path("videos", name, key, ".mp4"), self._path("videos", name, key, ".vtt")
        if not (mp4.exists() and vtt.exists()):
            speech = await self.tts.synthesize(video.narration, "en", speed=0.95)
            data, captions = await asyncio.to_thread(_make_video, video, speech)
            await asyncio.to_thread(_write, vtt, captions)
            await asyncio.to_thread(_write, mp4, data)
        return VideoFiles(mp4=mp4.read_bytes(), vtt=vtt.read_bytes())

    async def recording(self, text: str, voice: str, title: str) -> Recording:
        """A stand-in for a person reading `text`: spoken by the engine with another
        language's voice, tagged in the file as a generated stand-in."""
        key = _fingerprint(text, voice, self.tts.name)
        audio = self._path("recordings", voice, key, ".m4a")
        timings = self._path("recordings", voice, key, ".json")
        if not (audio.exists() and timings.exists()):
            speech = await self.tts.synthesize(text, voice, speed=0.9)
            data = await asyncio.to_thread(
                encode.m4a,
                speech.pcm,
                speech.sample_rate,
                title=title,
                comment="Generated stand-in for a recording by a Twi speaker (demo content)",
            )
            words = [[start, end] for start, end in speech.words]
            await asyncio.to_thread(_write, timings, json.dumps(words).encode())
            await asyncio.to_thread(_write, audio, data)
        return Recording(m4a=audio.read_bytes(), word_timings=json.loads(timings.read_text()))


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: a start stopped half-way leaves no broken file behind, and two
    processes making the same file (test workers sharing DEMO_MEDIA_CACHE) never mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{uuid.uuid4().hex}.partial")
    partial.write_bytes(data)
    partial.replace(path)


def _png(scene: str, title: str, size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    picture(scene, size, title).save(out, format="PNG", optimize=False)
    return out.getvalue()


def _shot_starts(video: DemoVideo, speech: Speech) -> list[int]:
    """When each shot begins in the audio: at its first word."""
    starts, index = [], 0
    for shot in video.shots:
        starts.append(speech.words[index][0])
        index += len(shot.text.split())
    return starts


def _frames(video: DemoVideo, starts: list[int], total_ms: int) -> Iterator[Image.Image]:
    repeat = FPS // DRAWN_PER_SECOND
    count = math.ceil(total_ms * FPS / 1000)
    image: Image.Image | None = None
    for index in range(count):
        if index % repeat == 0:
            at_ms = index * 1000 // FPS
            image = Image.new("RGB", VIDEO_SIZE, draw.WHITE)
            if at_ms < TITLE_MS:
                draw.title_card(image, video.title, "Wonderspaced")
            else:
                spoken = at_ms - TITLE_MS
                shot = max(i for i, start in enumerate(starts) if start <= max(spoken, starts[0]))
                SCENES[video.shots[shot].scene](image, (spoken - starts[shot]) / 1000)
        assert image is not None
        yield image


def _clock(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02}:{minutes:02}:{seconds:02}.{millis:03}"


def captions(text: str, words: list[tuple[int, int]], offset_ms: int) -> bytes:
    """WebVTT cues of what is said, a sentence each (a long one in even parts of at most
    CUE_WORDS words), timed by the words themselves."""
    spans = word_spans(text)
    sentences: list[tuple[int, int]] = []
    first = 0
    for index, (start, end) in enumerate(spans):
        if text[start:end].endswith((".", "!", "?")) or index == len(spans) - 1:
            sentences.append((first, index + 1))
            first = index + 1
    cues: list[tuple[int, int, str]] = []
    for begin, stop in sentences:
        parts = math.ceil((stop - begin) / CUE_WORDS)
        size = math.ceil((stop - begin) / parts)
        for at in range(begin, stop, size):
            last = min(stop, at + size) - 1
            cue_text = text[spans[at][0] : spans[last][1]]
            cues.append((words[at][0] + offset_ms, words[last][1] + offset_ms, cue_text))
    lines = ["WEBVTT", ""]
    for number, (start, end, cue) in enumerate(cues, 1):
        lines += [str(number), f"{_clock(start)} --> {_clock(end)}", cue, ""]
    return "\n".join(lines).encode()


def _make_video(video: DemoVideo, speech: Speech) -> tuple[bytes, bytes]:
    rate = speech.sample_rate
    lead = b"\x00\x00" * (rate * TITLE_MS // 1000)
    tail = b"\x00\x00" * (rate * TAIL_MS // 1000)
    pcm = lead + speech.pcm + tail
    total_ms = len(pcm) * 1000 // (2 * rate)
    starts = _shot_starts(video, speech)
    data = encode.mp4(
        _frames(video, starts, total_ms), FPS, VIDEO_SIZE, pcm, rate, title=video.title
    )
    logger.info("demo video made", extra={"title": video.title, "ms": total_ms})
    return data, captions(video.narration, speech.words, TITLE_MS)
