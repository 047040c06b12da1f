"""Settings from the environment and an optional `.env` file (pydantic-settings)."""

from __future__ import annotations

import os
import re
import secrets
import stat
import warnings
from datetime import timedelta
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
    session_max_hours: int = Field(default=12, ge=1, le=24 * 366)
    """How long after signing in a token can still be renewed (``POST /auth/renew``):
    an active page stays signed in for a shift, a stolen token not for ever."""
    test_access_token_expire_seconds: int | None = Field(default=None, ge=1)
    """Browser tests of renewal and expiry only (ENV=test): a token lifetime in seconds."""
    test_session_max_seconds: int | None = Field(default=None, ge=1)
    """Browser tests only (ENV=test): ``SESSION_MAX_HOURS`` in seconds."""
    log_dir: Path = Path("logs")
    log_level: str = "INFO"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    bot_reply_delay_seconds: float = Field(default=0.0, ge=0, le=30)
    kb_path: Path | None = None
    bot_cache_dir: Path | None = Path("var/bot-cache")
    """Trained bot models, keyed by the knowledge base's content hash: restarts and other
    workers load the model instead of training it. Empty: no cache."""
    review_sample_rate: float = Field(default=0.02, ge=0, le=1)
    """Share of confident bot answers sent to the admins' inbox for review anyway."""
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
    rate_limit_visitors: str = "20/hour"
    """New visitor accounts (``POST /auth/visitor``) per client address."""
    rate_limit_renewals: str = "30/hour"
    """Token renewals (``POST /auth/renew``) per user; a page renews about every 15 minutes."""
    rate_limit_bot_parse: str = "60/minute"
    """``/bot/parse`` calls per user."""
    rate_limit_feedback: str = "120/minute"
    """👍/👎 on answers per user (changing one's mind included)."""
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

    visitor_token_expire_days: int = Field(default=30, ge=1, le=366)
    """A visitor's token lifetime: the widget remembers the visitor this long."""
    email_link_expire_days: int = Field(default=7, ge=1, le=90)
    """How long the sign-in key in a reply email's link works (``POST /auth/email-link``)."""
    widget_allowed_origins: str = ""
    """Sites that may embed ``/widget`` (comma-separated origins, ``https://shop.example``);
    the service's own pages always may."""
    public_base_url: str = ""
    """The service's address as people reach it (links in emails); default
    ``http://HOST:PORT``."""

    smtp_host: str = ""
    """Empty: no email is sent (replies are not queued for mail)."""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str = ""
    smtp_password: str = Field(default="", repr=False)
    smtp_starttls: bool = True
    smtp_timeout_seconds: float = Field(default=30, gt=0, le=600)
    mail_from: str = "Солнце · техподдержка <support@localhost>"
    notify_offline_after_seconds: float = Field(default=60, ge=0, le=7 * 24 * 3600)
    """An operator's reply is emailed when its owner has had no live connection this long."""
    mail_poll_seconds: float = Field(default=5, gt=0, le=600)
    """How often the mail worker looks for due emails."""

    retention_days: int | None = Field(default=None, ge=1, le=36_500)
    """Conversations whose last message is older than this many days are purged (with
    their messages and inbox items) once a day; empty keeps them forever."""

    sql_echo: bool = False
    max_body_bytes: int = 64 * 1024
    argon2_profile: Literal["production", "test"] = "production"
    """``test`` makes Argon2 nearly free, for test suites; only allowed with ENV=test."""

    @field_validator("bot_cache_dir", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("retention_days", mode="before")
    @classmethod
    def _empty_is_forever(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level")
    @classmethod
    def _upper_level(cls, value: str) -> str:
        return value.upper()

    @field_validator("widget_allowed_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        return ",".join(parse_origins(value))

    @field_validator("public_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not _ORIGIN_LIKE.match(value):
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value

    @property
    def widget_origins(self) -> tuple[str, ...]:
        return tuple(self.widget_allowed_origins.split(",")) if self.widget_allowed_origins else ()

    @property
    def base_url(self) -> str:
        return self.public_base_url or f"http://{self.host}:{self.port}"

    @property
    def mail_on(self) -> bool:
        return bool(self.smtp_host.strip())

    @model_validator(mode="after")
    def _cheap_hashing_only_in_tests(self) -> Settings:
        if self.argon2_profile != "production" and self.env != "test":
            raise ValueError("ARGON2_PROFILE=test is only allowed with ENV=test")
        return self

    @model_validator(mode="after")
    def _second_lifetimes_only_in_tests(self) -> Settings:
        tests_only = (self.test_access_token_expire_seconds, self.test_session_max_seconds)
        if any(value is not None for value in tests_only) and self.env != "test":
            raise ValueError("TEST_*_SECONDS lifetimes are only allowed with ENV=test")
        return self

    @property
    def access_token_lifetime(self) -> timedelta:
        if self.test_access_token_expire_seconds is not None:
            return timedelta(seconds=self.test_access_token_expire_seconds)
        return timedelta(minutes=self.access_token_expire_minutes)

    @property
    def session_lifetime(self) -> timedelta:
        """How long after signing in renewals may reach: ``SESSION_MAX_HOURS``, never
        shorter than one token's lifetime (a long ``ACCESS_TOKEN_EXPIRE_MINUTES`` keeps
        working as configured)."""
        if self.test_session_max_seconds is not None:
            configured = timedelta(seconds=self.test_session_max_seconds)
        else:
            configured = timedelta(hours=self.session_max_hours)
        return max(configured, self.access_token_lifetime)

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


_ORIGIN = re.compile(
    r"^https?://[A-Za-z0-9.\-]+(:\d{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](:\d{1,5})?$"
)
_ORIGIN_LIKE = re.compile(r"^https?://[^\s/?#]+(/[^\s?#]*)?$")


def parse_origins(value: str) -> list[str]:
    """Comma-separated origins (scheme, host, optional port; no path), each checked: a
    typo must fail at start-up, not silently let nobody (or everybody) embed the widget."""
    origins: list[str] = []
    for item in value.split(","):
        origin = item.strip().rstrip("/")
        if not origin:
            continue
        if not _ORIGIN.match(origin):
            raise ValueError(
                f"not an origin: {origin!r} (expected scheme://host[:port], e.g. https://shop.example)"
            )
        if origin.lower() not in (o.lower() for o in origins):
            origins.append(origin.lower())
    return origins


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
