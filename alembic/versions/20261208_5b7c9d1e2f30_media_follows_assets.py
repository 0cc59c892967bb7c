"""media follows its assets: video dimensions, thumbnails made by processing, narration source

Revision ID: 5b7c9d1e2f30
Revises: 43d3daec909d
Create Date: 2026-12-08 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b7c9d1e2f30"
down_revision: str | None = "43d3daec909d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("media_asset", sa.Column("thumbnail_asset_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_media_asset_thumbnail_asset_id_media_asset"),
        "media_asset",
        "media_asset",
        ["thumbnail_asset_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.add_column("video", sa.Column("width", sa.Integer(), nullable=True))
    op.add_column("video", sa.Column("height", sa.Integer(), nullable=True))
    op.add_column("ebook_page", sa.Column("narration_source", sa.String(length=8), nullable=True))
    # Narration that exists already was uploaded by an editor: a recording.
    op.execute(
        "UPDATE ebook_page SET narration_source = 'human' WHERE narration_asset_id IS NOT NULL"
    )
    op.create_check_constraint(
        op.f("ck_ebook_page_narration_source"),
        "ebook_page",
        "narration_source IN ('tts', 'human') AND narration_asset_id IS NOT NULL "
        "OR narration_source IS NULL",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_ebook_page_narration_source"), "ebook_page", type_="check")
    op.drop_column("ebook_page", "narration_source")
    op.drop_column("video", "height")
    op.drop_column("video", "width")
    op.drop_constraint(
        op.f("fk_media_asset_thumbnail_asset_id_media_asset"), "media_asset", type_="foreignkey"
    )
    op.drop_column("media_asset", "thumbnail_asset_id")
