"""What processing learns from a file: duration of video and audio (PyAV), dimensions of
images and videos, and images re-encoded without their metadata (EXIF, GPS) by Pillow.
Pure functions over a local file, run in a worker thread."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import av
from PIL import Image, UnidentifiedImageError

from app.media.policy import Purpose


class UnusableMedia(ValueError):
    """The file is not what it claims to be, or cannot be decoded."""


@dataclass(frozen=True)
class Probe:
    duration_ms: int | None = None
    width: int | None = None
    height: int | None = None
    # Replacement bytes (images: the same picture without metadata)
    cleaned: bytes | None = None


_PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def probe(path: Path, kind: Purpose, content_type: str, max_pixels: int) -> Probe:
    if kind is Purpose.image:
        return _image(path, content_type, max_pixels)
    if kind in (Purpose.video, Purpose.audio):
        return _audio_video(path, kind)
    return _captions(path)


def _image(path: Path, content_type: str, max_pixels: int) -> Probe:
    try:
        with Image.open(path) as image:
            # Opening reads the header only; decoding a few KB of PNG can fill gigabytes, so
            # the size is checked before a single pixel is unpacked.
            width, height = image.size
            if width * height > max_pixels:
                raise UnusableMedia(
                    f"the image is {width}x{height} pixels; at most {max_pixels:,} are accepted"
                )
            image.load()
            if image.format != _PIL_FORMATS[content_type]:
                raise UnusableMedia(f"the file is {image.format}, not {content_type}")
            # A new image from the pixels alone: no EXIF, GPS, XMP or text chunks survive.
            clean = Image.frombytes(image.mode, image.size, image.tobytes())
            if image.mode == "P" and image.getpalette():
                clean.putpalette(image.getpalette() or [])
            out = io.BytesIO()
            clean.save(
                out, format=image.format, **({"quality": 95} if image.format != "PNG" else {})
            )
    except UnusableMedia:
        raise
    except Image.DecompressionBombError as exc:
        # Pillow's own guard, at twice its MAX_IMAGE_PIXELS, fires while opening.
        limit = 2 * (Image.MAX_IMAGE_PIXELS or 0)
        raise UnusableMedia(
            f"the image has over {limit:,} pixels; at most {max_pixels:,} are accepted"
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UnusableMedia(f"the image cannot be decoded: {exc}") from exc
    return Probe(width=width, height=height, cleaned=out.getvalue())


def _audio_video(path: Path, kind: Purpose) -> Probe:
    try:
        with av.open(str(path)) as container:
            videos = list(container.streams.video)
            audios = list(container.streams.audio)
            if kind is Purpose.video and not videos:
                raise UnusableMedia("the file has no video stream")
            if kind is Purpose.audio and not audios:
                raise UnusableMedia("the file has no audio stream")
            duration = container.duration
            if duration is None:
                stream = (videos or audios)[0]
                if stream.duration is not None and stream.time_base is not None:
                    duration = int(stream.duration * stream.time_base * 1_000_000)
            width = videos[0].codec_context.width if videos else None
            height = videos[0].codec_context.height if videos else None
    except av.error.FFmpegError as exc:
        raise UnusableMedia(f"the file cannot be decoded: {exc}") from exc
    if not duration:
        raise UnusableMedia("the file has no duration")
    return Probe(duration_ms=int(duration) // 1000, width=width, height=height)


def _captions(path: Path) -> Probe:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnusableMedia("captions must be UTF-8 text") from exc
    if not text.startswith("WEBVTT"):
        raise UnusableMedia("captions must be WebVTT (start with 'WEBVTT')")
    if "-->" not in text:
        raise UnusableMedia("the captions have no cues")
    return Probe()
