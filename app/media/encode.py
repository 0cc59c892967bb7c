"""Encoding what the server makes itself (generated narration, the demo's videos) the way
phones play it: AAC audio in MP4 (.m4a), H.264 video with AAC audio in an MP4 whose index
comes first (`faststart`), so playback starts before the whole file has arrived."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import av
from PIL import Image

AUDIO_RATE = 22_050
_CHUNK = 1024  # samples per frame handed to the encoder (AAC's frame size)


def _audio_frames(pcm: bytes, rate: int) -> Iterable[av.AudioFrame]:
    step = _CHUNK * 2
    for start in range(0, len(pcm), step):
        chunk = pcm[start : start + step]
        frame = av.AudioFrame(format="s16", layout="mono", samples=len(chunk) // 2)
        frame.planes[0].update(chunk)
        frame.sample_rate = rate
        frame.pts = start // 2
        yield frame


def _audio_stream(container: av.container.OutputContainer, rate: int) -> av.AudioStream:
    stream = container.add_stream("aac", rate=rate, layout="mono")
    stream.bit_rate = 64_000
    return stream


def _audio_packets(stream: av.AudioStream, pcm: bytes, rate: int) -> list[Any]:
    resampler = av.AudioResampler(format="fltp", layout="mono", rate=rate)
    packets: list[Any] = []
    for frame in _audio_frames(pcm, rate):
        for converted in resampler.resample(frame):
            packets += stream.encode(converted)
    for converted in resampler.resample(None):
        packets += stream.encode(converted)
    packets += stream.encode(None)
    return packets


@contextmanager
def output(suffix: str) -> Iterator[Path]:
    """A file to write to: `faststart` moves the index to the front in a second pass over a
    real file, which an in-memory buffer cannot give it."""
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder) / f"out{suffix}"


def m4a(pcm: bytes, rate: int, *, title: str = "", comment: str = "") -> bytes:
    """Mono 16-bit PCM as AAC in MP4; `title` and `comment` go in the file's tags."""
    with output(".m4a") as path:
        with av.open(str(path), "w", format="ipod", options={"movflags": "faststart"}) as file:
            if title:
                file.metadata["title"] = title
            if comment:
                file.metadata["comment"] = comment
            for packet in _audio_packets(_audio_stream(file, rate), pcm, rate):
                file.mux(packet)
        return path.read_bytes()


def mp4(
    frames: Iterable[Image.Image],
    fps: int,
    size: tuple[int, int],
    pcm: bytes,
    rate: int,
    *,
    title: str = "",
) -> bytes:
    """Pictures at `fps` as H.264, with the PCM as its AAC sound track."""
    with output(".mp4") as path:
        _write_mp4(path, frames, fps, size, pcm, rate, title)
        return path.read_bytes()


def _write_mp4(
    path: Path,
    frames: Iterable[Image.Image],
    fps: int,
    size: tuple[int, int],
    pcm: bytes,
    rate: int,
    title: str,
) -> None:
    with av.open(str(path), "w", format="mp4", options={"movflags": "faststart"}) as container:
        if title:
            container.metadata["title"] = title
        video = container.add_stream("libx264", rate=fps)
        video.width, video.height = size
        video.pix_fmt = "yuv420p"
        # Flat drawn pictures: a fast preset and a high CRF look clean and stay small.
        video.options = {"preset": "veryfast", "crf": "26", "tune": "animation"}
        audio = _audio_stream(container, rate)
        for image in frames:
            frame = av.VideoFrame.from_image(image)  # type: ignore[no-untyped-call]
            for packet in video.encode(frame):
                container.mux(packet)
        for packet in video.encode(None):
            container.mux(packet)
        for packet in _audio_packets(audio, pcm, rate):
            container.mux(packet)
