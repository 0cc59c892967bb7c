"""Realtime fan-out: a "doorbell" per channel that wakes the streams listening to it.

The bell carries no data. PostgreSQL holds the events (app/notifications: a per-account
sequence), so a stream that hears the bell reads what is new from the database, and one that
misses a ring (a Redis hiccup, a reconnect) loses nothing: the next ring or its own
reconnect with Last-Event-ID reads it. Memory by default (one process); Redis pub/sub when
REDIS_URL is set, so a commit on one instance wakes the streams held on every other.
"""

from __future__ import annotations

from app.integrations.broker.base import Broker, Subscription, ring_after_commit, take_rung
from app.integrations.broker.factory import create_broker

__all__ = ["Broker", "Subscription", "create_broker", "ring_after_commit", "take_rung"]
