"""Outgoing email: written to the outbox with the request, sent after it commits."""
