"""Pushes recorded in memory and logged: development and tests."""

from __future__ import annotations

import logging

from app.integrations.push.base import PushMessage, PushOutcome, PushResult

logger = logging.getLogger(__name__)


class LocalPushSender:
    def __init__(self) -> None:
        self.sent: list[PushMessage] = []
        # Tokens a test wants answered as unregistered or as a failure to retry.
        self.gone_tokens: set[str] = set()
        self.failing_tokens: set[str] = set()

    async def send(self, messages: list[PushMessage]) -> list[PushResult]:
        results = []
        for message in messages:
            if message.token in self.gone_tokens:
                results.append(PushResult(message.token, PushOutcome.gone, "unregistered"))
            elif message.token in self.failing_tokens:
                results.append(PushResult(message.token, PushOutcome.retry, "unavailable"))
            else:
                self.sent.append(message)
                # The token is a device credential: only its end is logged.
                logger.info(
                    "push recorded",
                    extra={"token_end": message.token[-6:], "collapse_key": message.collapse_key},
                )
                results.append(PushResult(message.token, PushOutcome.sent))
        return results

    async def aclose(self) -> None:
        return None
