from __future__ import annotations

import json
import logging

import pytest

from app.core.config import ConfigurationError, Settings
from app.core.logging import JsonFormatter, request_id_var, trace_var


def _prod(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "env": "prod",
        "secret_key": "k" * 48,
        "database_url": "postgresql+asyncpg://app@10.0.0.5/wonderspaced",
        "base_url": "https://api.wonderspaced.app",
        "email_backend": "ses",
        "ses_region": "eu-west-1",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def test_production_starts_with_real_settings() -> None:
    assert _prod().env.value == "prod"


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"secret_key": "dev-only-insecure-secret-change-me"}, "SECRET_KEY"),
        ({"secret_key": "short"}, "SECRET_KEY"),
        ({"database_url": None}, "DATABASE_URL"),
        ({"email_backend": "console"}, "EMAIL_BACKEND"),
        ({"email_backend": "smtp"}, "SMTP_HOST"),
        ({"tasks_backend": "cloudtasks"}, "CLOUD_TASKS_QUEUE"),
        ({"base_url": "http://localhost:8080"}, "BASE_URL"),
    ],
)
def test_production_refuses_unsafe_settings_and_names_them(
    overrides: dict[str, object], named: str
) -> None:
    with pytest.raises(ConfigurationError, match=named):
        _prod(**overrides)


def test_dev_runs_with_no_configuration_at_all() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url is None
    assert settings.port == 8080


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "9090")
    monkeypatch.setenv("CORS_ORIGINS", "https://app.wonderspaced.app, https://wonderspaced.app")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.port == 9090
    assert settings.cors_origins == ["https://app.wonderspaced.app", "https://wonderspaced.app"]
    assert settings.redis_url == "redis://cache:6379/0"


def test_log_lines_are_json_with_severity_request_id_and_trace() -> None:
    formatter = JsonFormatter(gcp_project="wonderspaced-prod")
    rid = request_id_var.set("req-77")
    trace = trace_var.set("abc123")
    try:
        record = logging.makeLogRecord(
            {"name": "app.test", "levelname": "WARNING", "msg": "hello %s", "args": ("there",)}
        )
        line = json.loads(formatter.format(record))
    finally:
        request_id_var.reset(rid)
        trace_var.reset(trace)
    assert line["severity"] == "WARNING"
    assert line["message"] == "hello there"
    assert line["request_id"] == "req-77"
    assert line["logging.googleapis.com/trace"] == "projects/wonderspaced-prod/traces/abc123"


@pytest.mark.parametrize(
    "secret",
    [
        "Authorization: Bearer abc.def.ghi",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
        "password=hunter2hunter2",
        '{"refresh_token": "r3fr3sh"}',
    ],
)
def test_logs_never_carry_tokens_or_passwords(secret: str) -> None:
    record = logging.makeLogRecord({"levelname": "INFO", "msg": f"got {secret}"})
    line = JsonFormatter().format(record)
    for fragment in ("abc.def.ghi", "c2lnbmF0dXJl", "hunter2hunter2", "r3fr3sh"):
        assert fragment not in line
