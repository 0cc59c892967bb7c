"""Quiz background work: the demo pictures' files (written once the seed commits)."""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageDraw

from app.integrations.storage import Storage
from app.outbox.registry import TaskContext

DEMO_IMAGE_TASK = "quizzes.demo_image"
DEMO_IMAGE_SIZE = 128


@cache
def demo_image(colour: str) -> bytes:
    """A simple picture: a coloured disc on white, the same bytes for the same colour."""
    image = Image.new("RGB", (DEMO_IMAGE_SIZE, DEMO_IMAGE_SIZE), "white")
    margin = DEMO_IMAGE_SIZE // 8
    ImageDraw.Draw(image).ellipse(
        (margin, margin, DEMO_IMAGE_SIZE - margin, DEMO_IMAGE_SIZE - margin), fill=colour
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


async def write_demo_image(ctx: TaskContext, storage: Storage) -> None:
    # Idempotent: the same key gets the same bytes.
    await storage.put(ctx.payload["key"], demo_image(ctx.payload["colour"]), "image/png")
