from tests.progress.fixtures import catalogue, clock, explorer, stranger
from tests.quizzes.helpers import editor

__all__ = ["catalogue", "clock", "editor", "explorer", "stranger"]
