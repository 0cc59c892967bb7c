"""Firebase Cloud Messaging through firebase-admin's async `send_each_async` (HTTP v1 API).

Errors map to what the device list should do: UNREGISTERED, an invalid argument (a token
that is not valid) and SENDER_ID_MISMATCH mean the token will never work, so the device is
forgotten; QUOTA_EXCEEDED (429), UNAVAILABLE and INTERNAL (5xx) keep it, and the outbox
retries the push with backoff. firebase-admin's own HTTP retries are turned off for the same
reason: one retry policy, the outbox's, with its backoff and dead letter.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import firebase_admin  # type: ignore[import-untyped]
from firebase_admin import credentials, exceptions, messaging

from app.integrations.push.base import PushMessage, PushOutcome, PushResult

logger = logging.getLogger(__name__)

_GONE = (
    messaging.UnregisteredError,
    messaging.SenderIdMismatchError,
    exceptions.InvalidArgumentError,
    exceptions.NotFoundError,
)
_BATCH = 500  # send_each's limit per call


class _StaticCredential(credentials.Base):  # type: ignore[misc]
    """A given google-auth credential (tests: anonymous, for a local FCM stand-in)."""

    def __init__(self, credential: Any) -> None:
        self._credential = credential

    def get_credential(self) -> Any:
        return self._credential


def _credential(credentials_json: str | None) -> Any:
    if credentials_json:
        return credentials.Certificate(json.loads(credentials_json))
    return credentials.ApplicationDefault()


class FcmPushSender:
    def __init__(
        self,
        *,
        credentials_json: str | None = None,
        project_id: str | None = None,
        endpoint: str | None = None,
        google_credential: Any = None,
        name: str = "wonderspaced-push",
    ) -> None:
        credential = (
            _StaticCredential(google_credential)
            if google_credential is not None
            else _credential(credentials_json)
        )
        options = {"projectId": project_id} if project_id else None
        try:
            self._app = firebase_admin.get_app(name)
            firebase_admin.delete_app(self._app)
        except ValueError:
            pass
        self._app = firebase_admin.initialize_app(credential, options, name=name)
        self._endpoint = endpoint
        self._configured = False

    def _configure(self) -> None:
        """firebase-admin has no setting for its endpoint or its retries: both are set on
        its messaging service once, here (the URL only in tests, at a local stand-in)."""
        if self._configured:
            return
        from firebase_admin import _http_client, _retry

        service: Any = messaging._get_messaging_service(self._app)
        if self._endpoint:
            service._fcm_url = self._endpoint
        service._async_client = _http_client.HttpxAsyncClient(
            credential=service._credential,
            retry_config=_retry.HttpxRetry(max_retries=0),
            timeout=30,
        )
        self._configured = True

    async def send(self, messages: list[PushMessage]) -> list[PushResult]:
        self._configure()
        results: list[PushResult] = []
        for start in range(0, len(messages), _BATCH):
            batch = messages[start : start + _BATCH]
            response = await messaging.send_each_async([_message(m) for m in batch], app=self._app)
            for message, sent in zip(batch, response.responses, strict=True):
                results.append(_result(message.token, sent))
        return results

    async def aclose(self) -> None:
        if self._configured:
            service: Any = messaging._get_messaging_service(self._app)
            await service._async_client.aclose()
        # delete_app closes the services with asyncio.run(), which needs a thread of its own.
        await asyncio.to_thread(firebase_admin.delete_app, self._app)


def _message(m: PushMessage) -> messaging.Message:
    return messaging.Message(
        token=m.token,
        notification=messaging.Notification(title=m.title, body=m.body),
        data=m.data,
        android=messaging.AndroidConfig(collapse_key=m.collapse_key, ttl=m.ttl_seconds),
        apns=messaging.APNSConfig(
            headers={
                "apns-collapse-id": m.collapse_key[:64],
                # APNs takes an absolute expiry; FCM converts a relative TTL only for Android.
                "apns-expiration": "0" if m.ttl_seconds <= 0 else str(_expiry(m.ttl_seconds)),
            }
        ),
        webpush=messaging.WebpushConfig(
            headers={"TTL": str(m.ttl_seconds), "Topic": m.collapse_key[:32]}
        ),
    )


def _expiry(ttl_seconds: int) -> int:
    import time

    return int(time.time()) + ttl_seconds


def _result(token: str, sent: messaging.SendResponse) -> PushResult:
    if sent.success:
        return PushResult(token, PushOutcome.sent)
    error = sent.exception
    if isinstance(error, _GONE):
        return PushResult(token, PushOutcome.gone, type(error).__name__)
    logger.warning("push failed; will retry", extra={"error": type(error).__name__})
    return PushResult(token, PushOutcome.retry, type(error).__name__)
