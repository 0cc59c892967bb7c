"""What processing learns from a file: duration of video and audio (PyAV), dimensions of
images and videos, images re-encoded without their metadata (EXIF, GPS) by Pillow, and for a
video a still for its thumbnail and, when phones could not play it as it is, an H.264/AAC MP4
made from it. Pure functions over a local file, run in a worker thread."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import av
from PIL import Image, UnidentifiedImageError

from app.media.encode import output
from app.media.policy import Purpose


class UnusableMedia(ValueError):
    """The file is not what it claims to be, or cannot be decoded."""


@dataclass(frozen=True)
class Probe:
    duration_ms: int | None = None
    width: int | None = None
    height: int | None = None
    # Replacement bytes (images: the same picture without metadata; videos: re-encoded)
    cleaned: bytes | None = None
    content_type: str | None = None  # of `cleaned`, when it changes
    # A video's still (JPEG) and its size
    thumbnail: bytes | None = None
    thumbnail_size: tuple[int, int] | None = None


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


# What every phone plays: H.264 video (and AAC audio, if any) in an MP4 container.
PLAYABLE_VIDEO = {"h264"}
PLAYABLE_AUDIO = {"aac"}
THUMBNAIL_WIDTH = 640


def _audio_video(path: Path, kind: Purpose) -> Probe:
    measured = _measure(path, kind)
    if kind is not Purpose.video:
        return measured
    try:
        cleaned = None if _playable(path) else _reencode(path)
        thumbnail, size = _still(path, measured.duration_ms or 0)
    except av.error.FFmpegError as exc:
        raise UnusableMedia(f"the video cannot be decoded: {exc}") from exc
    if cleaned is not None:
        measured = _measure_bytes(cleaned, path.with_suffix(".mp4"))
    return Probe(
        duration_ms=measured.duration_ms,
        width=measured.width,
        height=measured.height,
        cleaned=cleaned,
        content_type="video/mp4" if cleaned is not None else None,
        thumbnail=thumbnail,
        thumbnail_size=size,
    )


def _measure_bytes(data: bytes, path: Path) -> Probe:
    path.write_bytes(data)
    return _measure(path, Purpose.video)


def _playable(path: Path) -> bool:
    with av.open(str(path)) as container:
        if "mp4" not in container.format.name.split(","):
            return False
        videos = {s.codec_context.name for s in container.streams.video}
        audios = {s.codec_context.name for s in container.streams.audio}
    return videos <= PLAYABLE_VIDEO and audios <= PLAYABLE_AUDIO


def _reencode(path: Path) -> bytes:
    """The video as H.264 (and AAC) in an MP4 whose index comes first, so a phone starts
    playing before the whole file has arrived."""
    with output(".mp4") as out:
        _transcode(path, out)
        return out.read_bytes()


def _transcode(path: Path, out: Path) -> None:
    with (
        av.open(str(path)) as source,
        av.open(str(out), "w", format="mp4", options={"movflags": "faststart"}) as target,
    ):
        vin = source.streams.video[0]
        width = (vin.codec_context.width // 2) * 2
        height = (vin.codec_context.height // 2) * 2
        vout = target.add_stream("libx264", rate=vin.average_rate or 25)
        vout.width, vout.height, vout.pix_fmt = width, height, "yuv420p"
        vout.options = {"preset": "veryfast", "crf": "23"}
        ain = source.streams.audio[0] if source.streams.audio else None
        aout = target.add_stream("aac", rate=44100, layout="mono") if ain is not None else None
        resampler = av.AudioResampler(format="fltp", layout="mono", rate=44100)
        streams = [vin, *([ain] if ain is not None else [])]
        for frame in source.decode(*streams):
            if isinstance(frame, av.VideoFrame):
                picture = frame.reformat(width=width, height=height, format="yuv420p")
                picture.pts = frame.pts
                picture.time_base = frame.time_base
                target.mux(vout.encode(picture))
            elif aout is not None and isinstance(frame, av.AudioFrame):
                frame.pts = None
                for chunk in resampler.resample(frame):
                    target.mux(aout.encode(chunk))
        target.mux(vout.encode(None))
        if aout is not None:
            for chunk in resampler.resample(None):
                target.mux(aout.encode(chunk))
            target.mux(aout.encode(None))


def _still(path: Path, duration_ms: int) -> tuple[bytes | None, tuple[int, int] | None]:
    """A frame a third of the way in (past titles and fades), as a JPEG."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        at = duration_ms * 1000 // 3  # microseconds
        if at > 0:
            container.seek(at, any_frame=False, backward=True)
        picked = None
        for frame in container.decode(stream):
            picked = frame
            if frame.time is not None and frame.time * 1_000_000 >= at:
                break
        if picked is None:
            return None, None
        image = picked.to_image()  # type: ignore[no-untyped-call]
    if image.width > THUMBNAIL_WIDTH:
        image = image.resize(
            (THUMBNAIL_WIDTH, round(image.height * THUMBNAIL_WIDTH / image.width)),
            Image.Resampling.LANCZOS,
        )
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=85)
    return out.getvalue(), image.size


def _measure(path: Path, kind: Purpose) -> Probe:
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
