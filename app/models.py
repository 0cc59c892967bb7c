"""Every table, imported in one place for Alembic and the tests."""

from app.accounts.models import Account
from app.auth.models import EmailCode, RefreshToken
from app.outbox.models import OutboxMessage

__all__ = ["Account", "EmailCode", "OutboxMessage", "RefreshToken"]
