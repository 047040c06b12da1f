"""Settings from the environment and an optional `.env` file (pydantic-settings)."""

from __future__ import annotations

import os
import secrets
import stat
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

SECRET_FILE_NAME = ".sunsupport-secret"  # noqa: S105 (a file name, not a secret)
MIN_SECRET_BYTES = 32


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says what to change."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    env: Literal["development", "production", "test"] = "development"
    database_url: str = "sqlite+aiosqlite:///./db.db"
    secret_key: str | None = Field(default=None, repr=False)
    access_token_expire_minutes: int = Field(default=30, ge=1, le=60 * 24 * 30)
    log_dir: Path = Path("logs")
    log_level: str = "INFO"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    bot_reply_delay_seconds: float = Field(default=0.0, ge=0, le=30)
    kb_path: Path | None = None
    operator_active_minutes: float = Field(default=5, gt=0, le=24 * 60)
    """An operator seen within this window makes the bot say "on the way", not "queued"."""
    inbox_low_confidence: float = Field(default=0.4, ge=0, le=1)
    """Bot answers below this confidence go to the admins' "misunderstood" inbox."""
    live_backend: Literal["auto", "memory", "redis", "postgres"] = "auto"
    """How live events reach every process: ``auto`` = Redis when REDIS_URL is set,
    PostgreSQL LISTEN/NOTIFY when the database is PostgreSQL, else in-process memory."""
    redis_url: str | None = None
    live_channel_prefix: str = "sunsupport"

    rate_limit_login_failures: str = "10/minute;30/hour"
    """Failed logins per (username, client address); five times as many per address."""
    rate_limit_messages: str = "60/minute"
    rate_limit_sessions: str = "20/minute"
    rate_limit_registrations: str = "10/minute"
    """New accounts per client address."""
    rate_limit_bot_parse: str = "60/minute"
    """``/bot/parse`` calls per user."""
    rate_limit_storage_uri: str = "memory://"
    rate_limit_key_prefix: str = "sunsupport"

    db_pool_size: int = Field(default=10, ge=1, le=200)
    db_max_overflow: int = Field(default=10, ge=0, le=200)
    db_pool_timeout_seconds: float = Field(default=10, gt=0, le=300)
    db_connect_timeout_seconds: float = Field(default=5, gt=0, le=120)
    db_statement_timeout_ms: int = Field(default=15_000, ge=0, le=3_600_000)

    max_connections: int = Field(default=2000, ge=10, le=1_000_000)
    """Connections (HTTP and live) one server process serves at once; more get 503."""
    shutdown_grace_seconds: float = Field(default=10, ge=0, le=600)
    """On SIGTERM, finish in-flight requests for up to this long, then close the pool."""
    forwarded_allow_ips: str = "127.0.0.1"
    """Proxies trusted for X-Forwarded-For (the client address used by the login throttle)."""

    docs_enabled: bool | None = None
    """``/docs`` and ``/openapi.json``; default: on, except with ENV=production."""
    metrics_allow: str | None = None
    """Who may read ``/metrics``: comma-separated addresses or networks, ``*`` for all.
    Default: everyone, except with ENV=production (then the machine itself only)."""
    metrics_token: str | None = Field(default=None, repr=False)
    """Also let callers with ``Authorization: Bearer <token>`` read ``/metrics``."""

    retention_days: int | None = Field(default=None, ge=1, le=36_500)
    """Conversations whose last message is older than this many days are purged (with
    their messages and inbox items) once a day; empty keeps them forever."""

    sql_echo: bool = False
    max_body_bytes: int = 64 * 1024
    argon2_profile: Literal["production", "test"] = "production"
    """``test`` makes Argon2 nearly free, for test suites; only allowed with ENV=test."""

    @field_validator("retention_days", mode="before")
    @classmethod
    def _empty_is_forever(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level")
    @classmethod
    def _upper_level(cls, value: str) -> str:
        return value.upper()

    @model_validator(mode="after")
    def _cheap_hashing_only_in_tests(self) -> Settings:
        if self.argon2_profile != "production" and self.env != "test":
            raise ValueError("ARGON2_PROFILE=test is only allowed with ENV=test")
        return self

    @property
    def docs_on(self) -> bool:
        return self.docs_enabled if self.docs_enabled is not None else self.env != "production"

    @property
    def metrics_allowed(self) -> str:
        if self.metrics_allow is not None:
            return self.metrics_allow
        return "127.0.0.1,::1" if self.env == "production" else "*"

    @property
    def is_sqlite(self) -> bool:
        return make_url(self.database_url).get_backend_name() == "sqlite"

    def sqlite_path(self) -> Path | None:
        """The database file of a file-based SQLite URL, else None."""
        url = make_url(self.database_url)
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            return None
        return Path(url.database)

    def resolve_secret_key(self) -> str:
        """The JWT signing key: configured, or generated once and kept beside the database.

        Production refuses to run without an explicit key, so a lost file never silently
        logs everybody out or, worse, lets a default key sign tokens.
        """
        configured = (self.secret_key or "").strip()
        if configured:
            if len(configured.encode()) < MIN_SECRET_BYTES:
                if self.env == "production":
                    raise ConfigError(
                        f"SECRET_KEY is too short: at least {MIN_SECRET_BYTES} bytes in production "
                        "(anyone who guesses it can sign an admin's token)"
                    )
                warnings.warn(
                    f"SECRET_KEY is shorter than {MIN_SECRET_BYTES} bytes; fine for a try-out, "
                    "refused with ENV=production",
                    stacklevel=2,
                )
            return configured
        if self.env == "production":
            raise ConfigError(
                "SECRET_KEY is not set. In production set SECRET_KEY to a long random value, "
                'e.g. python -c "import secrets; print(secrets.token_urlsafe(64))"'
            )
        db_file = self.sqlite_path()
        directory = db_file.parent if db_file else Path(".")
        return _load_or_create_secret(directory / SECRET_FILE_NAME)


def _load_or_create_secret(path: Path) -> str:
    """The key kept in ``path``; a file that others may read is made private first (it
    was written by someone else, or copied with a loose umask), and a key too short to
    be ours is replaced (every token signed with it stops working)."""
    if path.exists():
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(0o600)
        value = path.read_text(encoding="utf-8").strip()
        if len(value.encode()) >= MIN_SECRET_BYTES:
            return value
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(64)
    # Create with 0600 from the start: the key is never readable by others, not even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    path.chmod(0o600)
    return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
