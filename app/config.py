"""The one settings object: read from the environment once, validated, then passed down.

Only this module reads the environment. A bad value fails at start with a message that names
the setting (pydantic-settings reports the variable name).
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_FILE = "app_secret"  # noqa: S105 (a file name)


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it."""


class Settings(BaseSettings):
    """Every knob of the server. Environment variables are the upper-case field names."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    database_url: str | None = Field(
        default=None, description="postgresql://… ; unset means an embedded PostgreSQL"
    )
    redis_url: str | None = Field(default=None, description="redis://… ; shared rate limits")
    port: Annotated[int, Field(ge=1, le=65535)] = 3000
    host: str = "127.0.0.1"
    crm_data_dir: Path = Field(default=Path(".crm"), description="local data (embedded PG, secret)")
    app_secret: str | None = Field(default=None, min_length=32, description="HMAC key for API keys")
    log_level: str = "info"
    default_workspace: str = "default"
    query_default_limit: Annotated[int, Field(ge=1, le=10_000)] = 60
    query_max_limit: Annotated[int, Field(ge=1, le=10_000)] = 200
    batch_max_records: Annotated[int, Field(ge=1, le=10_000)] = 60
    db_pool_size: Annotated[int, Field(ge=1, le=1000)] = 10
    workers: Annotated[int, Field(ge=1, le=64)] = 1
    graphql_max_depth: Annotated[int, Field(ge=1, le=100)] = 12
    graphql_max_complexity: Annotated[int, Field(ge=1)] = 50_000
    rate_limit_per_minute: Annotated[int, Field(ge=1)] = 100
    rate_limit_per_second: Annotated[int, Field(ge=1)] = 20
    # Requests refused for a missing or bad key, per client address and minute, before 429.
    auth_failures_per_minute: Annotated[int, Field(ge=1)] = 30
    max_body_bytes: Annotated[int, Field(ge=1024)] = 4 * 1024 * 1024
    # Records one bulk update, delete, destroy or restore by filter may touch (Twenty's name).
    mutation_maximum_affected_records: Annotated[int, Field(ge=1, le=100_000)] = 100
    # Webhooks (docs/webhooks.md): delivery runs in every server process unless disabled.
    webhook_worker: bool = True
    webhook_timeout_seconds: Annotated[float, Field(gt=0, le=60)] = 5.0
    webhook_retry_horizon_seconds: Annotated[float, Field(gt=0)] = 86_400.0
    webhook_backoff_base_seconds: Annotated[float, Field(gt=0)] = 10.0
    webhook_backoff_max_seconds: Annotated[float, Field(gt=0)] = 3_600.0
    webhook_poll_seconds: Annotated[float, Field(gt=0, le=60)] = 1.0
    webhook_log_retention_days: Annotated[float, Field(gt=0)] = 7.0
    webhook_allow_private_targets: bool = False

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("postgresql://", "postgres://", "postgresql+asyncpg://")):
            raise ValueError("must be a postgresql:// URL (PostgreSQL is the only database)")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis:// URL")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.lower()
        if level not in {"critical", "error", "warning", "info", "debug"}:
            raise ValueError("must be one of critical, error, warning, info, debug")
        return level

    @model_validator(mode="after")
    def _secret_required_with_external_database(self) -> Settings:
        if self.database_url is not None and self.app_secret is None:
            raise ValueError(
                "APP_SECRET is required when DATABASE_URL is set "
                "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        if self.query_default_limit > self.query_max_limit:
            raise ValueError("QUERY_DEFAULT_LIMIT must not exceed QUERY_MAX_LIMIT")
        return self

    @property
    def embedded(self) -> bool:
        return self.database_url is None

    def resolved_secret(self) -> str:
        """APP_SECRET, or for local runs one generated once and kept in the data dir."""
        if self.app_secret is not None:
            return self.app_secret
        path = self.crm_data_dir / SECRET_FILE
        if path.exists():
            return path.read_text().strip()
        self.crm_data_dir.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_urlsafe(48)
        path.write_text(secret + "\n")
        path.chmod(0o600)
        return secret


def load_settings() -> Settings:
    """Read and validate the environment; a bad value raises ConfigError naming the setting."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]).upper() or "settings"
            problems.append(f"{name}: {error['msg']}")
        raise ConfigError("invalid configuration: " + "; ".join(problems)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
