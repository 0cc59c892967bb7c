"""Task delivery backends: in-process (local) or Google Cloud Tasks."""

from app.integrations.tasks.base import TaskBackend, TaskRef

__all__ = ["TaskBackend", "TaskRef"]
