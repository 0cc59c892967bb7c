"""media and retention: asset deletion and pruning

Every catalogue reference to a media asset becomes RESTRICT (an asset in use cannot be
deleted; before, most references were silently set to NULL) and is indexed, so that check and
the public asset route are index lookups.

Revision ID: 6d1a2b3c4e5f
Revises: 5ec0a1b2c3d4
Create Date: 2026-12-02 02:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "6d1a2b3c4e5f"
down_revision: str | None = "5ec0a1b2c3d4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column) of every catalogue reference that was ON DELETE SET NULL
SET_NULL = [
    ("theme", "cover_asset_id"),
    ("series", "cover_asset_id"),
    ("video", "media_asset_id"),
    ("video", "thumbnail_asset_id"),
    ("ebook", "cover_asset_id"),
    ("ebook_page", "illustration_asset_id"),
    ("ebook_page", "narration_asset_id"),
    ("diy", "cover_asset_id"),
    ("diy_step", "image_asset_id"),
    ("diy_step", "video_asset_id"),
]
# video_caption.asset_id was RESTRICT already; it only gains its index.
INDEXED = [*SET_NULL, ("video_caption", "asset_id")]


def _recreate_foreign_keys(ondelete: str) -> None:
    for table, column in SET_NULL:
        name = f"fk_{table}_{column}_media_asset"
        op.drop_constraint(name, table, type_="foreignkey")
        op.create_foreign_key(name, table, "media_asset", [column], ["id"], ondelete=ondelete)


def upgrade() -> None:
    _recreate_foreign_keys("RESTRICT")
    for table, column in INDEXED:
        op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    for table, column in INDEXED:
        op.drop_index(f"ix_{table}_{column}", table_name=table)
    _recreate_foreign_keys("SET NULL")
