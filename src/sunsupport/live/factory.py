"""Choosing the hub from the settings; a misconfiguration fails at start-up."""

from __future__ import annotations

from sunsupport.core.config import ConfigError, Settings
from sunsupport.live.hub import Hub, InMemoryHub


def live_backend(settings: Settings) -> str:
    """Which hub serves live events: ``auto`` = Redis when ``REDIS_URL`` is set,
    PostgreSQL LISTEN/NOTIFY on PostgreSQL, else this process's memory."""
    backend = settings.live_backend
    if backend == "auto":
        if settings.redis_url:
            return "redis"
        return "memory" if settings.is_sqlite else "postgres"
    if backend == "redis" and not settings.redis_url:
        raise ConfigError("LIVE_BACKEND=redis needs REDIS_URL")
    if backend == "postgres" and settings.is_sqlite:
        raise ConfigError("LIVE_BACKEND=postgres needs a PostgreSQL DATABASE_URL")
    return backend


def create_hub(settings: Settings) -> Hub:
    backend = live_backend(settings)
    if backend == "redis":
        from sunsupport.live.redis_hub import RedisHub

        return RedisHub(settings.redis_url or "", settings.live_channel_prefix)
    if backend == "postgres":
        from sunsupport.live.postgres_hub import PostgresHub

        return PostgresHub(settings.database_url, settings.live_channel_prefix)
    return InMemoryHub()
