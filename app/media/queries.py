"""The statements of uploads and media assets: Core/ORM statements built once where they do
not depend on the request, each run by one function on the request's session."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.schema import table_of
from app.media.models import MediaAsset, Upload

_uploads = table_of(Upload).c
_assets = table_of(MediaAsset).c

# Content modules declare (in app/modules.py) a SELECT of the asset ids they use, so
# housekeeping keeps them.
AssetReferences = Callable[[], sa.Select[tuple[uuid.UUID]]]

# Given the asset id column, a condition true when anyone may fetch that asset by id (a cover
# of visible content, an avatar...): what `/api/v1/assets/{id}` serves.
PublicAssets = Callable[[sa.ColumnElement[uuid.UUID]], sa.ColumnElement[bool]]

_UPLOAD_FOR_UPDATE = (
    sa.select(Upload).where(_uploads.id == sa.bindparam("upload_id")).with_for_update()
)
# Assets by id (:ids, a list).
_ASSETS = sa.select(MediaAsset).where(_assets.id.in_(sa.bindparam("ids", expanding=True)))
_READY_IDS = sa.select(_assets.id).where(
    _assets.id.in_(sa.bindparam("ids", expanding=True)), _assets.status == "ready"
)
_ASSET_KEY_FOR_UPDATE = (
    sa.select(_assets.key).where(_assets.id == sa.bindparam("asset_id")).with_for_update()
)
# An asset (:asset_id) and its upload record.
_DELETE_UPLOADS_OF_ASSET = sa.delete(table_of(Upload)).where(
    _uploads.asset_id == sa.bindparam("asset_id")
)
_DELETE_ASSET = sa.delete(table_of(MediaAsset)).where(_assets.id == sa.bindparam("asset_id"))
# Uploads never completed, begun before :cutoff.
_STALE_UPLOADS = sa.select(Upload).where(
    _uploads.status == "pending", _uploads.created_at < sa.bindparam("cutoff")
)


async def upload_for_update(session: AsyncSession, upload_id: uuid.UUID) -> Upload | None:
    """The upload, locked until the transaction ends."""
    result = await session.execute(_UPLOAD_FOR_UPDATE, {"upload_id": upload_id})
    upload: Upload | None = result.scalar_one_or_none()
    return upload


async def assets(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[MediaAsset]:
    return list((await session.execute(_ASSETS, {"ids": list(ids)})).scalars())


async def ready_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    return set((await session.execute(_READY_IDS, {"ids": list(ids)})).scalars())


async def asset_key_for_update(session: AsyncSession, asset_id: uuid.UUID) -> str | None:
    """The asset's storage key, the row locked until the transaction ends."""
    key: str | None = await session.scalar(_ASSET_KEY_FOR_UPDATE, {"asset_id": asset_id})
    return key


async def delete_asset(session: AsyncSession, asset_id: uuid.UUID) -> None:
    """The asset and its upload record; a foreign key still pointing at it raises."""
    await session.execute(_DELETE_UPLOADS_OF_ASSET, {"asset_id": asset_id})
    await session.execute(_DELETE_ASSET, {"asset_id": asset_id})


async def stale_uploads(session: AsyncSession, cutoff: datetime) -> Sequence[Upload]:
    return (await session.execute(_STALE_UPLOADS, {"cutoff": cutoff})).scalars().all()


async def public_asset(
    session: AsyncSession, asset_id: uuid.UUID, servable: Sequence[PublicAssets]
) -> MediaAsset | None:
    """The asset if it is ready and one of `servable` lets anyone fetch it: one statement,
    each condition an indexed lookup of the asset's id in one table."""
    statement = sa.select(MediaAsset).where(
        _assets.id == asset_id,
        _assets.status == "ready",
        sa.or_(*(condition(_assets.id) for condition in servable)),
    )
    asset: MediaAsset | None = (await session.execute(statement)).scalar_one_or_none()
    return asset


async def unreferenced(
    session: AsyncSession, references: Sequence[AssetReferences], cutoff: datetime
) -> Sequence[Any]:
    """(id, key) of the assets created before `cutoff` that no content references, locked,
    skipping those another transaction holds."""
    query = sa.select(_assets.id, _assets.key).where(_assets.created_at < cutoff)
    for referenced in references:
        query = query.where(_assets.id.not_in(referenced()))
    return (await session.execute(query.with_for_update(skip_locked=True))).all()
