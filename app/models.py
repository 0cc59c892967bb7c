"""Every table, imported in one place for Alembic and the tests."""

from app.accounts.models import Account, Consent
from app.auth.models import EmailCode, RefreshToken
from app.avatars.models import AvatarPart
from app.catalog.models import (
    Diy,
    DiyMaterial,
    DiyStep,
    Ebook,
    EbookPage,
    SearchDocument,
    Series,
    Theme,
    Video,
    VideoCaption,
)
from app.media.models import MediaAsset, Upload
from app.outbox.models import OutboxMessage
from app.profiles.models import Profile

__all__ = [
    "Account",
    "AvatarPart",
    "Consent",
    "Diy",
    "DiyMaterial",
    "DiyStep",
    "Ebook",
    "EbookPage",
    "EmailCode",
    "MediaAsset",
    "OutboxMessage",
    "Profile",
    "RefreshToken",
    "SearchDocument",
    "Series",
    "Theme",
    "Upload",
    "Video",
    "VideoCaption",
]
