"""Opening the database the settings name."""

from __future__ import annotations

from sunsupport.core.config import Settings
from sunsupport.core.postgres import PostgresDatabase
from sunsupport.core.sqlite import SqliteDatabase
from sunsupport.core.uow import Database, Publisher


def open_database(settings: Settings, publisher: Publisher) -> Database:
    """SQLite (one writer thread with group commit, reader threads) or PostgreSQL."""
    if settings.is_sqlite:
        return SqliteDatabase(settings, publisher)
    return PostgresDatabase(settings, publisher)
