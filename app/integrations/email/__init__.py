"""Email delivery behind one interface; EMAIL_BACKEND picks console, smtp or ses."""

from app.integrations.email.base import EmailMessage, EmailSender
from app.integrations.email.factory import create_email_sender

__all__ = ["EmailMessage", "EmailSender", "create_email_sender"]
