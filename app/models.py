"""Every table, imported in one place for Alembic and the tests."""

from app.accounts.models import Account, Consent
from app.auth.models import EmailCode, RefreshToken
from app.avatars.models import AvatarPart
from app.media.models import MediaAsset, Upload
from app.outbox.models import OutboxMessage
from app.profiles.models import Profile

__all__ = [
    "Account",
    "AvatarPart",
    "Consent",
    "EmailCode",
    "MediaAsset",
    "OutboxMessage",
    "Profile",
    "RefreshToken",
    "Upload",
]
