"""Which assets the catalogue uses (media housekeeping keeps them), and which anyone may fetch
by id: expressions the media module's registries compose into its own statements.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from app.catalog.models import (
    Diy,
    DiyStep,
    Ebook,
    EbookPage,
    Series,
    Theme,
    Video,
    VideoCaption,
)
from app.catalog.queries.columns import is_visible
from app.core.schema import table_of
from app.media.models import MediaAsset


def catalogue_assets() -> sa.Select[tuple[uuid.UUID]]:
    """Every asset the catalogue uses, so media housekeeping keeps them."""
    columns = [
        table_of(Theme).c.cover_asset_id,
        table_of(Series).c.cover_asset_id,
        table_of(Video).c.media_asset_id,
        table_of(Video).c.thumbnail_asset_id,
        table_of(VideoCaption).c.asset_id,
        table_of(Ebook).c.cover_asset_id,
        table_of(EbookPage).c.illustration_asset_id,
        table_of(EbookPage).c.narration_asset_id,
        table_of(Diy).c.cover_asset_id,
        table_of(DiyStep).c.image_asset_id,
        table_of(DiyStep).c.video_asset_id,
    ]
    selects = [sa.select(column.label("id")).where(column.is_not(None)) for column in columns]
    # The still processing made of a video in use: an editor may go back to it.
    files = table_of(MediaAsset).c
    selects.append(
        sa.select(files.thumbnail_asset_id.label("id")).where(
            files.thumbnail_asset_id.is_not(None),
            files.id.in_(sa.select(table_of(Video).c.media_asset_id)),
        )
    )
    union = sa.union_all(*selects).subquery()
    return sa.select(union.c.id)


def card_images(asset_id: sa.ColumnElement[uuid.UUID]) -> sa.ColumnElement[bool]:
    """The catalogue's images anyone may fetch by id: theme covers, and the covers and
    thumbnails of visible series and items (published, or scheduled and due). Each test is
    an index lookup on the asset column."""
    conditions: list[sa.ColumnElement[bool]] = [
        sa.exists().where(table_of(Theme).c.cover_asset_id == asset_id)
    ]
    for model, column in (
        (Series, "cover_asset_id"),
        (Video, "thumbnail_asset_id"),
        (Ebook, "cover_asset_id"),
        (Diy, "cover_asset_id"),
    ):
        table = table_of(model)
        conditions.append(sa.exists().where(table.c[column] == asset_id, is_visible(table)))
    return sa.or_(*conditions)
