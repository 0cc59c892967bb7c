"""Imports every module's task handlers so the outbox knows them by name."""

import app.emails.tasks
import app.media.tasks  # noqa: F401
