"""Settings from the environment, `.env` and (optionally) Google Secret Manager.

Every setting has a default that works on a laptop; production (`ENV=prod`) refuses to start
while a secret is a placeholder or a required setting is missing, and names the setting.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    Field,
    IPvAnyNetwork,
    SecretStr,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from app.core.passwords import NewPassword
from app.core.security import EmailAddress

PLACEHOLDER_SECRET = "dev-only-insecure-secret-change-me"  # noqa: S105  (refused in prod)


class Environment(StrEnum):
    dev = "dev"
    test = "test"
    prod = "prod"


class TasksBackend(StrEnum):
    local = "local"
    cloudtasks = "cloudtasks"


class EmailBackend(StrEnum):
    console = "console"
    smtp = "smtp"
    ses = "ses"


class StorageBackend(StrEnum):
    local = "local"
    gcs = "gcs"
    s3 = "s3"


class PushBackend(StrEnum):
    local = "local"
    fcm = "fcm"


class TtsBackend(StrEnum):
    local = "local"
    google = "google"


class ConfigurationError(RuntimeError):
    """Raised at start-up when the settings cannot run the service safely."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    env: Environment = Environment.dev
    app_name: str = "Wonderspaced"
    host: str = "0.0.0.0"
    port: int = 8080
    log_level: str = "INFO"
    # In dev, follows PORT unless set (signed URLs and task callbacks point here).
    base_url: str = "http://localhost:8080"
    data_dir: Path = Path(".data")

    # Secrets
    secret_key: SecretStr = SecretStr(PLACEHOLDER_SECRET)

    # Tokens: access JWTs are HS256, signed with the active key of a ring so keys can rotate
    # (JWT_KEYS="2026a:secret,2026b:secret"); without a ring one key is derived from SECRET_KEY.
    jwt_keys: Annotated[dict[str, SecretStr], NoDecode] = Field(default_factory=dict)
    jwt_active_kid: str | None = None
    jwt_issuer: str = "wonderspaced"
    jwt_audience: str = "wonderspaced-api"
    access_token_minutes: int = Field(default=15, ge=1, le=60)
    refresh_idle_days: int = Field(default=30, ge=1)
    refresh_absolute_days: int = Field(default=90, ge=1)

    # Explorer (kid-mode) tokens: one profile each, issued from a parent session
    explorer_token_hours: int = Field(default=12, ge=1, le=24 * 7)
    max_profiles_per_account: int = Field(default=6, ge=1, le=20)
    # Classrooms: a class, not a school; every report reads all of its members and
    # assignments, and a new assignment notifies every member in one task.
    classroom_max_members: int = Field(default=60, ge=1, le=500)
    classroom_max_assignments: int = Field(default=200, ge=1, le=2000)
    # Progress: minutes of learning that make a day count towards a streak
    streak_minutes: int = Field(default=5, ge=1, le=240)

    # Password hashing (app/core/hashing.py): argon2id runs at most this many at once per
    # instance; a request waits this long at most for a slot, then gets 503 with Retry-After.
    password_hash_concurrency: int = Field(default=2, ge=1, le=64)
    password_hash_wait_seconds: float = Field(default=1.0, ge=0, le=10)

    # Google sign-in: the OAuth client ids whose ID tokens are accepted
    google_client_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)
    google_certs_url: str = "https://www.googleapis.com/oauth2/v1/certs"

    # Database
    database_url: str | None = None
    db_pool_size: int = Field(default=30, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    db_pool_timeout: float = Field(default=10.0, gt=0)
    db_pool_recycle: int = Field(default=1800, ge=60)
    # The deadline of every statement (PostgreSQL's statement_timeout, and asyncpg's
    # command_timeout a little later for a server that does not answer at all): a request that
    # meets it is a 503, never a wait.
    db_statement_timeout: float = Field(default=5.0, gt=0, le=300)
    db_echo: bool = False

    # Redis: cache, rate limits and realtime fan-out move here when set
    redis_url: str | None = None

    # HTTP edge
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    cache_ttl_seconds: int = Field(default=60, ge=1)
    catalog_cache: bool = True
    rate_limit_per_minute: int = Field(default=1200, ge=1)
    # Instances that share the limits (Cloud Run's --max-instances): one cut off from Redis
    # counts alone and allows only this share of each limit.
    rate_limit_instances: int = Field(default=1, ge=1, le=1000)
    # The proxies in front whose X-Forwarded-For entries are believed: the last N hops (Cloud
    # Run's front end is 1) and any address in these networks. Neither: the peer is the client.
    trusted_proxy_hops: int = Field(default=0, ge=0, le=10)
    trusted_proxy_networks: Annotated[list[IPvAnyNetwork], NoDecode] = Field(default_factory=list)

    # Media storage: local disk (served by the app), Google Cloud Storage or S3
    storage_backend: StorageBackend = StorageBackend.local
    storage_bucket: str | None = None
    storage_upload_bucket: str | None = None
    gcs_service_account_json: SecretStr | None = None
    s3_region: str | None = None
    s3_endpoint_url: str | None = None
    media_cdn_base_url: str | None = None
    upload_url_minutes: int = Field(default=15, ge=1, le=15)
    download_url_minutes: int = Field(default=60, ge=1, le=24 * 60)
    # Images with more pixels are refused before decoding (a small file can unpack to GBs)
    media_max_image_pixels: int = Field(default=40_000_000, ge=1)

    # Read-aloud: text to speech by eSpeak NG in process (local) or Google Cloud
    # Text-to-Speech (google, with the service's own credentials)
    tts_backend: TtsBackend = TtsBackend.local
    tts_google_endpoint: str | None = None  # the synthesize URL; only tests point it elsewhere

    # Retention (README, "Retention"): how long records are kept once they are of no use.
    # `python -m app.jobs prune` deletes them; the server also runs it every interval (0: never).
    retention_dead_letter_days: int = Field(default=30, ge=1)
    retention_email_code_days: int = Field(default=1, ge=1)
    retention_refresh_token_days: int = Field(default=7, ge=0)
    retention_unverified_account_days: int = Field(default=7, ge=1)
    retention_prune_interval_seconds: float = Field(default=3600.0, ge=0)
    # Audit rows older than this are deleted (`python -m app.jobs prune-audit`, and the server
    # with the prune interval above).
    audit_retention_days: int = Field(default=400, ge=1)

    # Quizzes: attempts open for a day are closed and scored every interval (0: never)
    quiz_close_interval_seconds: float = Field(default=3600.0, ge=0)

    # Stats: the server rolls up yesterday (and missed days) every interval (0: never)
    stats_rollup_interval_seconds: float = Field(default=3600.0, ge=0)

    # Share links: `/r/{code}` redirects to APP_LINK_BASE/<kind>/<id>; the two .well-known
    # files let the installed apps open those links (Android App Links, iOS universal links).
    app_link_base: str = "https://wonderspaced.app/open"
    android_package_name: str | None = None
    android_sha256_cert_fingerprints: Annotated[list[str], NoDecode] = Field(default_factory=list)
    apple_app_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)
    apple_link_paths: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["/r/*"])

    # Background work
    tasks_backend: TasksBackend = TasksBackend.local
    tasks_max_attempts: int = Field(default=8, ge=1)
    tasks_poll_seconds: float = Field(default=5.0, gt=0)
    # On shutdown, how long deliveries under way may finish (under Cloud Run's 10 s).
    tasks_shutdown_grace_seconds: float = Field(default=7.0, ge=0)
    cloud_tasks_project: str | None = None
    cloud_tasks_location: str | None = None
    cloud_tasks_queue: str | None = None
    tasks_service_account_email: str | None = None
    tasks_audience: str | None = None

    # Email
    email_backend: EmailBackend = EmailBackend.console
    email_from: str = "Wonderspaced <no-reply@wonderspaced.app>"
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    ses_region: str | None = None

    # Notifications: push (recorded locally, or Firebase Cloud Messaging), the live stream,
    # the periodic tick (reminders, new content, delayed pushes) and how long events are kept
    push_backend: PushBackend = PushBackend.local
    firebase_credentials_json: SecretStr | None = None  # none: application default
    firebase_project_id: str | None = None
    fcm_endpoint: str | None = None  # the FCM v1 send URL; only tests point it elsewhere
    stream_max_seconds: int = Field(default=3000, ge=2, le=3500)
    stream_heartbeat_seconds: float = Field(default=15.0, gt=0, le=15.0)
    notification_tick_seconds: float = Field(default=180.0, ge=0)
    notification_event_retention_hours: int = Field(default=72, ge=1)
    # How often each server sends the limits' live events (warnings five minutes ahead).
    limits_tick_seconds: float = Field(default=30.0, ge=0)
    # Hosts an announcement may link to (https only) besides the app's own deep links
    announcement_link_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # Seeding: the address follows the sign-in rule, so the admin created can sign in
    first_admin_email: EmailAddress | None = None
    first_admin_password: SecretStr | None = None
    seed_demo_content: bool = True
    # Where the demo's generated media is kept (default DATA_DIR/demo); a folder shared by
    # several data directories (test runs) makes it once for all of them.
    demo_media_cache: Path | None = None

    # Seeing what happens (README, "Seeing what happens"). Traces: over OTLP/HTTP to this
    # collector (its base URL; /v1/traces is appended), and/or to Cloud Trace through Google's
    # OTLP endpoint; a ratio of the requests whose caller has not decided is sampled. Errors:
    # to Sentry, scrubbed. None of them set: nothing is installed.
    otel_exporter_otlp_endpoint: str | None = None
    cloud_trace: bool = False
    otel_service_name: str = "wonderspaced-api"
    traces_sample_ratio: float = Field(default=0.1, ge=0, le=1)
    sentry_dsn: SecretStr | None = None
    sentry_environment: str | None = None  # default: ENV

    # Google Secret Manager: when set, secrets named like the settings are read from this project
    gcp_secret_manager_project: str | None = None
    gcp_project: str | None = None

    @field_validator(
        "cors_origins",
        "google_client_ids",
        "trusted_proxy_networks",
        "android_sha256_cert_fingerprints",
        "apple_app_ids",
        "apple_link_paths",
        "announcement_link_hosts",
        mode="before",
    )
    @classmethod
    def _split_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("jwt_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: Any) -> Any:
        if isinstance(value, str):
            pairs = [item.strip() for item in value.split(",") if item.strip()]
            keys = {}
            for pair in pairs:
                kid, sep, secret = pair.partition(":")
                if not sep or not kid or not secret:
                    raise ValueError("JWT_KEYS must look like 'kid:secret,kid2:secret2'")
                keys[kid.strip()] = secret.strip()
            return keys
        return value

    @model_validator(mode="after")
    def _base_url_follows_port(self) -> Settings:
        if self.env is Environment.dev and "base_url" not in self.model_fields_set:
            self.base_url = f"http://localhost:{self.port}"
        return self

    @model_validator(mode="after")
    def _first_admin_password_is_a_password(self) -> Settings:
        # The same rule as a password chosen at sign-up, in every environment.
        if self.first_admin_password is None:
            return self
        try:
            TypeAdapter(NewPassword).validate_python(self.first_admin_password.get_secret_value())
        except ValidationError as exc:
            reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
            raise ConfigurationError(f"FIRST_ADMIN_PASSWORD is not accepted: {reason}") from None
        return self

    @model_validator(mode="after")
    def _check_key_ring(self) -> Settings:
        if self.jwt_active_kid and self.jwt_active_kid not in self.jwt_keys:
            raise ConfigurationError("JWT_ACTIVE_KID must name a key in JWT_KEYS")
        if self.env is Environment.prod:
            short = [kid for kid, key in self.jwt_keys.items() if len(key.get_secret_value()) < 32]
            if short:
                raise ConfigurationError(
                    f"refusing to start in production: JWT_KEYS {short} must be 32+ characters"
                )
        return self

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.env is not Environment.prod:
            return self
        problems: list[str] = []
        secret = self.secret_key.get_secret_value()
        if secret == PLACEHOLDER_SECRET or len(secret) < 32:
            problems.append("SECRET_KEY must be a real secret of at least 32 characters")
        if not self.database_url:
            problems.append("DATABASE_URL is required in production")
        if self.base_url.startswith("http://localhost"):
            problems.append("BASE_URL must be the service's public URL in production")
        if self.tasks_backend is TasksBackend.cloudtasks:
            for name in (
                "cloud_tasks_project",
                "cloud_tasks_location",
                "cloud_tasks_queue",
                "tasks_service_account_email",
            ):
                if not getattr(self, name):
                    problems.append(f"{name.upper()} is required when TASKS_BACKEND=cloudtasks")
        if self.storage_backend is not StorageBackend.local and not self.storage_bucket:
            problems.append("STORAGE_BUCKET is required when STORAGE_BACKEND is gcs or s3")
        if self.storage_backend is StorageBackend.gcs and not self.storage_upload_bucket:
            problems.append("STORAGE_UPLOAD_BUCKET is required when STORAGE_BACKEND=gcs")
        if self.storage_backend is StorageBackend.gcs and not self.gcs_service_account_json:
            problems.append("GCS_SERVICE_ACCOUNT_JSON is required to sign GCS URLs")
        if self.email_backend is EmailBackend.console:
            problems.append("EMAIL_BACKEND must be smtp or ses in production")
        if self.email_backend is EmailBackend.smtp and not self.smtp_host:
            problems.append("SMTP_HOST is required when EMAIL_BACKEND=smtp")
        if self.email_backend is EmailBackend.ses and not self.ses_region:
            problems.append("SES_REGION is required when EMAIL_BACKEND=ses")
        if problems:
            raise ConfigurationError("refusing to start in production: " + "; ".join(problems))
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: tuple[PydanticBaseSettingsSource, ...] = (
            init_settings,
            env_settings,
            dotenv_settings,
            file_secret_settings,
        )
        project = _secret_manager_project(env_settings, dotenv_settings)
        if project:
            # Imported only when used: a laptop never needs Google credentials.
            from pydantic_settings import GoogleSecretManagerSettingsSource

            secret_source = GoogleSecretManagerSettingsSource(
                settings_cls,
                project_id=project,
                case_sensitive=False,
                secret_client=secret_manager_client(),
            )
            sources = (*sources, secret_source)
        return sources

    @property
    def is_dev(self) -> bool:
        return self.env is Environment.dev

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def demo_media_dir(self) -> Path:
        """The demo's generated source files, made once and kept (app/media/demo)."""
        return self.demo_media_cache or self.data_dir / "demo"

    @property
    def tasks_oidc_audience(self) -> str:
        return self.tasks_audience or self.base_url


def secret_manager_client() -> Any:
    """The Secret Manager client (application default credentials on Cloud Run)."""
    from google.cloud.secretmanager import SecretManagerServiceClient

    return SecretManagerServiceClient()


def _secret_manager_project(*sources: PydanticBaseSettingsSource) -> str | None:
    for source in sources:
        value = source().get("gcp_secret_manager_project")
        if value:
            return str(value)
    return None


@lru_cache
def get_settings() -> Settings:
    return Settings()
