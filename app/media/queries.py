"""The statements of uploads and media assets. Core/ORM statements, built once where they
do not depend on the request; values are bound when they run."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

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

UPLOAD_FOR_UPDATE = (
    sa.select(Upload).where(_uploads.id == sa.bindparam("upload_id")).with_for_update()
)
# Assets by id (:ids, a list).
ASSETS = sa.select(MediaAsset).where(_assets.id.in_(sa.bindparam("ids", expanding=True)))
READY_IDS = sa.select(_assets.id).where(
    _assets.id.in_(sa.bindparam("ids", expanding=True)), _assets.status == "ready"
)
ASSET_KEY_FOR_UPDATE = (
    sa.select(_assets.key).where(_assets.id == sa.bindparam("asset_id")).with_for_update()
)
# An asset (:asset_id) and its upload record.
DELETE_UPLOADS_OF_ASSET = sa.delete(table_of(Upload)).where(
    _uploads.asset_id == sa.bindparam("asset_id")
)
DELETE_ASSET = sa.delete(table_of(MediaAsset)).where(_assets.id == sa.bindparam("asset_id"))
# Uploads never completed, begun before :cutoff.
STALE_UPLOADS = sa.select(Upload).where(
    _uploads.status == "pending", _uploads.created_at < sa.bindparam("cutoff")
)


def public_asset(asset_id: uuid.UUID, servable: Sequence[PublicAssets]) -> sa.Select[Any]:
    """The asset if it is ready and one of `servable` lets anyone fetch it."""
    return sa.select(MediaAsset).where(
        _assets.id == asset_id,
        _assets.status == "ready",
        sa.or_(*(condition(_assets.id) for condition in servable)),
    )


def unreferenced(references: Sequence[AssetReferences]) -> sa.Select[tuple[uuid.UUID, str]]:
    """(id, key) of the assets created before :cutoff that no content references, locked,
    skipping those another transaction holds."""
    query = sa.select(_assets.id, _assets.key).where(_assets.created_at < sa.bindparam("cutoff"))
    for referenced in references:
        query = query.where(_assets.id.not_in(referenced()))
    return query.with_for_update(skip_locked=True)
