from tests.progress.fixtures import catalogue, clock, explorer, stranger

__all__ = ["catalogue", "clock", "explorer", "stranger"]
