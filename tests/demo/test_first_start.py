"""`python main.py` as a newcomer runs it, demo on: the first start generates the demo's media
and seeds it through the editor's path within budget; the second finds everything made."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_serve import Server, data_dir  # noqa: F401 (a fixture)

# Generating the demo media (video encoding, speech) is minutes of CPU on a busy machine.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def test_the_demo_is_made_once_and_kept(data_dir: Path) -> None:  # noqa: F811
    first = Server(data_dir, SEED_DEMO_CONTENT="true")
    took = first.start()
    print(f"first start with the demo: {took:.1f} s")
    assert took < 90
    output = first.output()
    assert "Demo family: family@wonderspaced.app" in output
    base = f"http://127.0.0.1:{first.port}/api/v1"
    assert httpx.get(f"{base}/videos", params={"age": 3}).json()["items"]
    made = sorted(p.name for p in (data_dir / "demo").rglob("*") if p.is_file())
    assert any(name.endswith(".mp4") for name in made)
    assert first.signal(signal.SIGTERM) == 0

    again = Server(data_dir, SEED_DEMO_CONTENT="true")
    took = again.start()
    print(f"second start: {took:.1f} s")
    assert took < 5.0
    assert "Password" not in again.output()
    assert sorted(p.name for p in (data_dir / "demo").rglob("*") if p.is_file()) == made
    assert again.signal(signal.SIGTERM) == 0
