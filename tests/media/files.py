"""Media files as phones play them, made on the spot: H.264 with AAC sound in an MP4
(processing keeps such a file as it is)."""

from __future__ import annotations

from PIL import Image

from app.media import encode


def h264(frames: int = 30, fps: int = 10, size: tuple[int, int] = (64, 48)) -> bytes:
    pictures = (Image.new("RGB", size, (i * 8 % 256, 120, 200)) for i in range(frames))
    rate = 22_050
    silence = b"\x00\x00" * (rate * frames // fps)
    return encode.mp4(pictures, fps, size, silence, rate)
