from __future__ import annotations

from app.core.config import Settings
from app.integrations.broker.base import Broker


def create_broker(settings: Settings) -> Broker:
    if settings.redis_url:
        from app.integrations.broker.redis import RedisBroker

        return RedisBroker(settings.redis_url)
    from app.integrations.broker.memory import MemoryBroker

    return MemoryBroker()
