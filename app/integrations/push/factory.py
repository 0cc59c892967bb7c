from __future__ import annotations

from app.core.config import PushBackend, Settings
from app.integrations.push.base import PushSender


def create_push_sender(settings: Settings) -> PushSender:
    if settings.push_backend is PushBackend.fcm:
        from app.integrations.push.fcm import FcmPushSender

        secret = settings.firebase_credentials_json
        return FcmPushSender(
            credentials_json=secret.get_secret_value() if secret else None,
            project_id=settings.firebase_project_id,
            endpoint=settings.fcm_endpoint,
        )
    from app.integrations.push.local import LocalPushSender

    return LocalPushSender()
