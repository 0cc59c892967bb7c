"""Transactional outbox: background work written in the caller's transaction and delivered
at least once, after commit, to idempotent handlers."""
