from __future__ import annotations

from app.core.config import EmailBackend, Settings
from app.integrations.email.base import EmailSender
from app.integrations.email.console import ConsoleEmailSender
from app.integrations.email.ses import SesEmailSender
from app.integrations.email.smtp import SmtpEmailSender


def create_email_sender(settings: Settings) -> EmailSender:
    if settings.email_backend is EmailBackend.smtp:
        if not settings.smtp_host:
            raise ValueError("EMAIL_BACKEND=smtp needs SMTP_HOST")
        return SmtpEmailSender(
            settings.smtp_host,
            settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            starttls=settings.smtp_starttls,
        )
    if settings.email_backend is EmailBackend.ses:
        if not settings.ses_region:
            raise ValueError("EMAIL_BACKEND=ses needs SES_REGION")
        return SesEmailSender(settings.ses_region)
    return ConsoleEmailSender()
