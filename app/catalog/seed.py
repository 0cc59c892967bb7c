"""The demo catalogue a new install shows (app/media/demo/content.py says what it holds), made
the way an editor makes content: every file is uploaded on a signed ticket, checked and
processed (videos get their duration, size and thumbnail from processing), then the items
are created with those assets, English eBooks are read aloud by the text-to-speech engine
(the narration task's own service), and everything is published, which refuses media that is
not ready. The files themselves are generated on first start and kept under DATA_DIR/demo.
Every theme, series and item has a stable id (`demo_id`, app/core/examples.py), the same on
every install, which the examples of the API document name."""

from __future__ import annotations

import logging
import time
import uuid
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.catalog import admin_service
from app.catalog.models import Theme
from app.catalog.schemas import DiyIn, EbookIn, Kind, SeriesIn, ThemeIn, VideoIn
from app.core.examples import demo_id
from app.core.schema import table_of
from app.media import service as media_service
from app.media.demo import content
from app.media.demo.make import DemoMedia
from app.media.policy import Purpose

if TYPE_CHECKING:
    from app.runtime import Runtime

logger = logging.getLogger(__name__)

MARKER = content.THEMES[0].slug


class _Editor:
    """An editor's requests, as the services they call."""

    def __init__(self, session: AsyncSession, runtime: Runtime, media: DemoMedia) -> None:
        self.session = session
        self.runtime = runtime
        self.media = media

    async def upload(
        self,
        purpose: Purpose,
        content_type: str,
        filename: str,
        data: bytes,
        stable_name: str | None = None,
    ) -> uuid.UUID:
        asset = await media_service.upload_file(
            self.session,
            self.runtime.storage,
            None,
            purpose,
            content_type,
            filename,
            data,
            max_image_pixels=self.runtime.settings.media_max_image_pixels,
            stable_name=stable_name,
        )
        if asset.status != "ready":
            raise RuntimeError(f"demo file {filename} failed processing: {asset.failure_reason}")
        return asset.id

    async def picture(
        self, scene: str, title: str = "", stable_name: str | None = None
    ) -> uuid.UUID:
        data = await self.media.picture(scene, title)
        return await self.upload(Purpose.image, "image/png", f"{scene}.png", data, stable_name)

    async def publish(self, kind: Kind, name: str, body: Any) -> uuid.UUID:
        item = await admin_service.create(
            self.session, kind, body, item_id=demo_id(kind.value, name)
        )
        await admin_service.set_status(self.session, kind, item.id, "publish")
        return uuid.UUID(str(item.id))


async def seed_catalogue(session: AsyncSession, runtime: Runtime) -> list[str] | None:
    themes = table_of(Theme).c
    if (await session.execute(sa.select(themes.id).where(themes.slug == MARKER))).first():
        return None
    started = time.monotonic()
    editor = _Editor(session, runtime, DemoMedia(runtime.settings.demo_media_dir, runtime.tts))
    theme_ids: dict[str, uuid.UUID] = {}
    for order, theme in enumerate(content.THEMES):
        made = await admin_service.create_theme(
            session,
            ThemeIn.model_validate(
                {
                    "kind": theme.kind,
                    "slug": theme.slug,
                    "title": theme.title,
                    "colour": theme.colour,
                    "sort_order": order,
                    "description": theme.description,
                    "cover_asset_id": await editor.picture(
                        theme.cover, stable_name=f"theme cover:{theme.slug}"
                    ),
                }
            ),
            theme_id=demo_id("theme", theme.slug),
        )
        theme_ids[theme.slug] = made.id
    await _videos(editor, theme_ids)
    await _ebooks(editor, theme_ids)
    await _diys(editor, theme_ids)
    logger.info("demo catalogue seeded", extra={"seconds": round(time.monotonic() - started, 1)})
    return None


async def _videos(editor: _Editor, theme_ids: dict[str, uuid.UUID]) -> None:
    slug, title, description = content.SERIES
    series = await admin_service.create_series(
        editor.session,
        SeriesIn(
            theme_id=theme_ids[content.VIDEOS[0].theme],
            slug=slug,
            title=title,
            description=description,
            cover_asset_id=await editor.picture("anansi-web"),
        ),
        series_id=demo_id("series", slug),
    )
    await admin_service.set_series_status(editor.session, series.id, "publish")
    for video in content.VIDEOS:
        files = await editor.media.video(video)
        name = video.title.replace(":", "")
        media = await editor.upload(Purpose.video, "video/mp4", f"{name}.mp4", files.mp4)
        captions = await editor.upload(Purpose.captions, "text/vtt", f"{name}.en.vtt", files.vtt)
        await editor.publish(
            Kind.video,
            video.title,
            VideoIn.model_validate(
                {
                    "theme_id": theme_ids[video.theme],
                    "title": video.title,
                    "description": video.description,
                    "category": video.category,
                    "age_min": video.ages[0],
                    "age_max": video.ages[1],
                    "tags": list(video.tags),
                    "media_asset_id": media,
                    "captions": [{"language": "en", "asset_id": captions}],
                    **(
                        {"series_id": series.id, "season": 1, "episode": video.episode}
                        if video.episode
                        else {}
                    ),
                }
            ),
        )


async def _ebooks(editor: _Editor, theme_ids: dict[str, uuid.UUID]) -> None:
    runtime = editor.runtime
    for book in content.EBOOKS:
        pages: list[dict[str, Any]] = []
        for number, page in enumerate(book.pages, 1):
            entry: dict[str, Any] = {
                "text": page.text,
                "illustration_asset_id": await editor.picture(page.scene),
            }
            if book.stand_in_voice:
                # Uploaded as an editor uploads a recording, with its word timings.
                recording = await editor.media.recording(
                    page.text, book.stand_in_voice, f"{book.title}, page {number}"
                )
                entry["narration_asset_id"] = await editor.upload(
                    Purpose.audio,
                    "audio/mp4",
                    f"{book.title} - page {number} (stand-in recording).m4a",
                    recording.m4a,
                )
                entry["word_timings"] = recording.word_timings
            pages.append(entry)
        item = await admin_service.create(
            editor.session,
            Kind.ebook,
            EbookIn.model_validate(
                {
                    "theme_id": theme_ids[book.theme],
                    "title": book.title,
                    "author": book.author,
                    "reading_level": book.level,
                    "age_min": book.ages[0],
                    "age_max": book.ages[1],
                    "language": book.language,
                    "tags": list(book.tags),
                    "description": book.description,
                    "cover_asset_id": await editor.picture(book.cover, book.title),
                    "pages": pages,
                }
            ),
            item_id=demo_id("ebook", book.title),
        )
        if not book.stand_in_voice:
            # What `POST /admin/ebooks/{id}/narration` schedules, run now.
            await admin_service.narrate(
                editor.session,
                runtime.storage,
                runtime.tts,
                item.id,
                speed=0.95,
                max_image_pixels=runtime.settings.media_max_image_pixels,
            )
        await admin_service.set_status(editor.session, Kind.ebook, item.id, "publish")


async def _diys(editor: _Editor, theme_ids: dict[str, uuid.UUID]) -> None:
    for diy in content.DIYS:
        await editor.publish(
            Kind.diy,
            diy.title,
            DiyIn.model_validate(
                {
                    "theme_id": theme_ids[diy.theme],
                    "title": diy.title,
                    "difficulty": diy.difficulty,
                    "minutes": diy.minutes,
                    "tags": list(diy.tags),
                    "age_min": diy.ages[0],
                    "age_max": diy.ages[1],
                    "description": diy.description,
                    "cover_asset_id": await editor.picture(diy.cover, diy.title),
                    "materials": [
                        {"name": n, "quantity": q, "ask_a_grown_up": g} for n, q, g in diy.materials
                    ],
                    "steps": [
                        {"text": step.text, "image_asset_id": await editor.picture(step.scene)}
                        for step in diy.steps
                    ],
                }
            ),
        )
