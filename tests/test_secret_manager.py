"""Settings read from Google Secret Manager, through the real client against a local gRPC
server speaking the Secret Manager API."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent import futures

import grpc
import pytest
from google.cloud import secretmanager
from google.cloud.secretmanager_v1.services.secret_manager_service.transports import (
    SecretManagerServiceGrpcTransport,
)

from app.core import config
from app.core.config import Settings
from tests.support.net import free_port

SECRETS = {"SECRET_KEY": "s" * 40, "DATABASE_URL": "postgresql+asyncpg://app@db/wonderspaced"}


@pytest.fixture
def secret_manager(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    accessed: list[str] = []

    def list_secrets(request, context):  # type: ignore[no-untyped-def]
        return secretmanager.ListSecretsResponse(
            secrets=[secretmanager.Secret(name=f"{request.parent}/secrets/{n}") for n in SECRETS]
        )

    def access(request, context):  # type: ignore[no-untyped-def]
        accessed.append(request.name)
        secret = request.name.split("/")[3]
        return secretmanager.AccessSecretVersionResponse(
            name=request.name, payload=secretmanager.SecretPayload(data=SECRETS[secret].encode())
        )

    service = "google.cloud.secretmanager.v1.SecretManagerService"
    handler = grpc.method_handlers_generic_handler(
        service,
        {
            "ListSecrets": grpc.unary_unary_rpc_method_handler(
                list_secrets,
                request_deserializer=secretmanager.ListSecretsRequest.deserialize,
                response_serializer=secretmanager.ListSecretsResponse.serialize,
            ),
            "AccessSecretVersion": grpc.unary_unary_rpc_method_handler(
                access,
                request_deserializer=secretmanager.AccessSecretVersionRequest.deserialize,
                response_serializer=secretmanager.AccessSecretVersionResponse.serialize,
            ),
        },
    )
    port = free_port()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    server.add_generic_rpc_handlers((handler,))
    server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()

    def client() -> secretmanager.SecretManagerServiceClient:
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        return secretmanager.SecretManagerServiceClient(
            transport=SecretManagerServiceGrpcTransport(channel=channel)
        )

    monkeypatch.setattr(config, "secret_manager_client", client)
    yield accessed
    server.stop(None)


def test_secrets_come_from_secret_manager_when_a_project_is_set(
    secret_manager: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GCP_SECRET_MANAGER_PROJECT", "wonderspaced-prod")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.secret_key.get_secret_value() == SECRETS["SECRET_KEY"]
    assert settings.database_url == SECRETS["DATABASE_URL"]
    assert "projects/wonderspaced-prod/secrets/SECRET_KEY/versions/latest" in secret_manager


def test_environment_wins_over_secret_manager(
    secret_manager: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GCP_SECRET_MANAGER_PROJECT", "wonderspaced-prod")
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://override@db/x")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == "postgresql+asyncpg://override@db/x"


def test_no_project_means_no_secret_manager(
    secret_manager: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GCP_SECRET_MANAGER_PROJECT", raising=False)
    Settings(_env_file=None)  # type: ignore[call-arg]
    assert secret_manager == []
