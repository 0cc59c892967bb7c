"""How an instance links to media: signed URLs from its storage (or the CDN), and for how
long. One part of the runtime (`Runtime.media_links`); every module that shows a file's URL
(catalogue pages, quizzes, assets) signs it through here."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from app.integrations.storage import Storage
from app.media import service as media_service
from app.media.models import MediaAsset
from app.media.schemas import AssetOut


@dataclass(frozen=True)
class FileLink:
    """A file as a page shows it: where to fetch it, and its size before it loads."""

    url: str | None
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None


NO_FILE = FileLink(url=None)


@dataclass(frozen=True)
class MediaLinks:
    storage: Storage
    minutes: int
    cdn_base_url: str | None

    async def urls(
        self, session: AsyncSession, ids: Sequence[uuid.UUID | None]
    ) -> dict[uuid.UUID, str | None]:
        """Short-lived URLs of these assets by id (None for those not ready)."""
        wanted = [i for i in ids if i is not None]
        return await media_service.download_urls(
            session, self.storage, wanted, self.minutes, self.cdn_base_url
        )

    async def files(
        self, session: AsyncSession, ids: Sequence[uuid.UUID | None]
    ) -> dict[uuid.UUID, FileLink]:
        """These assets' URLs (None for those not ready) and measures, by id."""
        wanted = [i for i in ids if i is not None]
        if not wanted:
            return {}
        found = await media_service.existing(session, list(dict.fromkeys(wanted)))
        return {
            asset_id: FileLink(
                url=await media_service.download_url(
                    self.storage, asset, self.minutes, self.cdn_base_url
                ),
                width=asset.width,
                height=asset.height,
                duration_ms=asset.duration_ms,
            )
            for asset_id, asset in found.items()
        }

    async def asset_out(self, asset: MediaAsset) -> AssetOut:
        return await media_service.asset_out(self.storage, asset, self.minutes, self.cdn_base_url)

    async def url_of(self, asset: MediaAsset) -> str | None:
        return await media_service.download_url(
            self.storage, asset, self.minutes, self.cdn_base_url
        )


async def get_media_links(request: Request) -> MediaLinks:
    links: MediaLinks = request.app.state.runtime.media_links
    return links


MediaLinksDep = Annotated[MediaLinks, Depends(get_media_links)]
