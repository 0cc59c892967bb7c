"""The README stays true: every setting is documented, and the two commands are there."""

from __future__ import annotations

from pathlib import Path

from app.core.config import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_every_setting_is_in_the_configuration_table() -> None:
    missing = [name.upper() for name in Settings.model_fields if f"`{name.upper()}`" not in README]
    assert missing == []


def test_the_two_commands_come_first() -> None:
    assert README.index("make run") < README.index("## Configuration")
    assert README.index("make test") < README.index("## Configuration")
