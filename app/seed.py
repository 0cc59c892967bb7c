"""Idempotent start-up data: the first admin and, in dev, the demo catalogue."""

from __future__ import annotations

import logging
import secrets
import sys

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import service as accounts_service
from app.accounts.models import Role
from app.core.config import Settings
from app.runtime import Runtime

logger = logging.getLogger(__name__)

DEV_ADMIN_EMAIL = "admin@wonderspaced.app"


async def ensure_first_admin(session: AsyncSession, settings: Settings) -> str | None:
    """Creates the first admin if none exists; returns a generated password to show once."""
    if settings.first_admin_email:
        if await accounts_service.get_by_email(session, settings.first_admin_email):
            return None
        password = (
            settings.first_admin_password.get_secret_value()
            if settings.first_admin_password
            else None
        )
        generated = None
        if password is None:
            generated = password = secrets.token_urlsafe(16)
        await accounts_service.create_account(
            session, settings.first_admin_email, password, Role.admin
        )
        logger.info("first admin created", extra={"email": settings.first_admin_email})
        return generated
    if not settings.is_dev or await accounts_service.admin_exists(session):
        return None
    password = secrets.token_urlsafe(16)
    await accounts_service.create_account(session, DEV_ADMIN_EMAIL, password, Role.admin)
    return password


async def seed(runtime: Runtime) -> None:
    settings = runtime.settings
    shown: list[str] = []
    try:
        async with runtime.db.session() as session:
            generated = await ensure_first_admin(session, settings)
    except IntegrityError:
        # Another instance seeded at the same moment; its rows are as good as ours.
        logger.info("seed already applied by another instance")
        return
    if generated:
        email = settings.first_admin_email or DEV_ADMIN_EMAIL
        shown.append(f"Admin account created: {email}\n  Password (shown only now): {generated}")
    if settings.seed_demo_content and settings.env.value != "prod":
        # Each module that ships demo content declares its (idempotent) seeder; each runs in
        # a transaction of its own, in the order of the list (quizzes after the catalogue).
        for seeder in runtime.registries.seeders:
            try:
                async with runtime.db.session() as session:
                    shown += await seeder(session, runtime) or []
            except IntegrityError:
                logger.info("demo content already seeded by another instance")
    if shown:
        # Shown once, on the terminal only: never written to the JSON logs.
        lines = "".join(f"\n  {line}\n" for line in shown)
        sys.stderr.write(f"{lines}  Sign in through Swagger UI at /docs (Authorize).\n\n")
