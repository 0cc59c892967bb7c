"""The deploy files are usable as they are: every file, image and step they name exists."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CLOUDBUILDS = ["cloudbuild.dev.yaml", "cloudbuild.prod.yaml"]


def _copy_sources(dockerfile: Path) -> list[str]:
    sources = []
    for line in dockerfile.read_text().splitlines():
        if line.startswith("COPY") and "--from=" not in line:
            parts = [p for p in line.split()[1:] if not p.startswith("--")]
            sources.extend(parts[:-1])
    return sources


@pytest.mark.parametrize("name", ["Dockerfile", "Dockerfile.migrations"])
def test_dockerfiles_use_python_312_slim_non_root_and_existing_files(name: str) -> None:
    dockerfile = ROOT / name
    text = dockerfile.read_text()
    assert all(
        line.split()[1].startswith("python:3.12-slim")
        for line in text.splitlines()
        if line.startswith("FROM")
    )
    assert re.search(r"^USER (?!root)\S+", text, re.MULTILINE)
    for source in _copy_sources(dockerfile):
        assert (ROOT / source).exists(), f"{name} copies missing {source}"


def test_service_shuts_down_within_cloud_runs_grace_period() -> None:
    text = (ROOT / "Dockerfile").read_text()
    match = re.search(r"--timeout-graceful-shutdown (\d+)", text)
    assert match
    assert int(match.group(1)) < 10
    assert "main:app" in text


def _main_py_uvicorn_options() -> dict[str, object]:
    tree = ast.parse((ROOT / "main.py").read_text())
    [call] = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "uvicorn.run"
    ]
    return {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords if kw.arg in _SHARED}


_SHARED = {"proxy_headers", "forwarded_allow_ips", "timeout_graceful_shutdown"}


def test_dockerfile_and_main_py_serve_alike_and_believe_no_client_forwarded_header() -> None:
    """uvicorn's proxy headers would take a client's X-Forwarded-For as its address; the app
    resolves it from TRUSTED_PROXY_HOPS instead, which the image sets for Cloud Run."""
    text = (ROOT / "Dockerfile").read_text()
    assert "--no-proxy-headers" in text
    assert "--forwarded-allow-ips" not in text
    assert re.search(r"^\s*TRUSTED_PROXY_HOPS=1\b", text, re.MULTILINE)
    graceful = re.search(r"--timeout-graceful-shutdown (\d+)", text)
    assert graceful
    assert _main_py_uvicorn_options() == {
        "proxy_headers": False,
        "timeout_graceful_shutdown": int(graceful.group(1)),
    }


def test_migrations_image_runs_alembic_upgrade() -> None:
    assert 'CMD ["alembic", "upgrade", "head"]' in (ROOT / "Dockerfile.migrations").read_text()


@pytest.mark.parametrize("name", CLOUDBUILDS)
def test_cloudbuild_builds_pushes_migrates_then_deploys(name: str) -> None:
    config = yaml.safe_load((ROOT / name).read_text())
    steps = {step["id"]: step for step in config["steps"]}
    built = {}
    for step in steps.values():
        args = step["args"]
        if args[0] == "build":
            dockerfile = args[args.index("-f") + 1]
            assert (ROOT / dockerfile).exists(), f"{name} builds missing {dockerfile}"
            built[dockerfile] = args[args.index("-t") + 1]
    assert set(built) == {"Dockerfile", "Dockerfile.migrations"}
    pushed = {step["args"][1] for step in steps.values() if step["args"][0] == "push"}
    assert pushed == set(built.values())
    assert set(config["images"]) == set(built.values())

    migrate = steps["migrate"]["args"]
    assert migrate[:3] == ["run", "jobs", "deploy"]
    assert f"--image={built['Dockerfile.migrations']}" in migrate
    assert "--execute-now" in migrate
    assert "--wait" in migrate

    deploy = steps["deploy"]["args"]
    assert deploy[:2] == ["run", "deploy"]
    assert f"--image={built['Dockerfile']}" in deploy
    assert "migrate" in steps["deploy"]["waitFor"]
    for args in (migrate, deploy):
        assert any(a.startswith("--set-cloudsql-instances=") for a in args)
        secrets = next(a for a in args if a.startswith("--set-secrets="))
        assert "DATABASE_URL=" in secrets
        assert "SECRET_KEY=" in secrets
    # Every substitution used is declared.
    used = set(re.findall(r"\$\{(_[A-Z_]+)\}", (ROOT / name).read_text()))
    assert used <= set(config["substitutions"])


def test_bucket_cors_allows_signed_uploads_and_range_reads() -> None:
    [rule] = json.loads((ROOT / "cors.json").read_text())
    assert {"GET", "HEAD", "PUT", "POST"} <= set(rule["method"])
    assert "Content-Range" in rule["responseHeader"]
    assert all(origin.startswith("https://") for origin in rule["origin"])
