"""Engine, session factories, the declarative base and the column types (commits happen
only in :mod:`sunsupport.core.uow`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, DateTime, Dialect, MetaData, event, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator
from sqlalchemy.util import await_only

from sunsupport.core.config import Settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 15_000


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    """Per-connection pragmas: real foreign keys (cascades), WAL, and waiting on locks."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


READ_ONLY = "sunsupport_read_only"


def _sqlite_on_begin(conn: Connection) -> None:
    """Writers take the write lock at BEGIN (BEGIN IMMEDIATE); readers don't lock at all.

    A deferred transaction that reads and then writes fails at once with "database is
    locked" when another writer got in between (the busy timeout does not apply), so every
    unit of work that may write starts IMMEDIATE. Read-only work (marked with the
    ``READ_ONLY`` execution option) uses a plain BEGIN: in WAL mode it never blocks
    writers, so it may be held across slow work such as password verification.
    """
    conn.exec_driver_sql(
        "BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE"
    )


def create_engine(settings: Settings) -> AsyncEngine:
    if settings.is_sqlite:
        path = settings.sqlite_path()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            settings.database_url,
            echo=settings.sql_echo,
            hide_parameters=True,  # SQL logs and errors never carry hashes or user text
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        sync_engine = engine.sync_engine
        event.listen(sync_engine, "connect", _sqlite_on_connect)

        @event.listens_for(sync_engine, "connect")
        def _disable_pysqlite_begin(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy emit BEGIN itself (see _sqlite_on_begin).
            dbapi_connection.isolation_level = None

        event.listen(sync_engine, "begin", _sqlite_on_begin)
        return engine
    connect_args: dict[str, Any] = {"timeout": settings.db_connect_timeout_seconds}
    asyncpg = make_url(settings.database_url).get_driver_name() == "asyncpg"
    if asyncpg:
        # A runaway query is cancelled by the server instead of holding a connection forever.
        connect_args["server_settings"] = {
            "statement_timeout": str(settings.db_statement_timeout_ms),
            "application_name": "sunsupport",
            "timezone": "UTC",
        }
        if settings.db_statement_timeout_ms:
            # And if the server cannot be reached to cancel it (a network partition), the
            # client gives up a little later instead of waiting for TCP to notice.
            connect_args["command_timeout"] = (
                settings.db_statement_timeout_ms / 1000 + settings.db_connect_timeout_seconds
            )
    engine = create_async_engine(
        settings.database_url,
        echo=settings.sql_echo,
        hide_parameters=True,
        pool_pre_ping=not asyncpg,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_seconds,
        connect_args=connect_args,
    )
    if asyncpg:
        _ping_on_checkout(engine, settings.db_connect_timeout_seconds)
    return engine


def _ping_on_checkout(engine: AsyncEngine, timeout: float) -> None:
    """Pre-ping with a deadline. SQLAlchemy's own pre-ping waits without one, so behind a
    network partition a pooled connection's ping hangs until TCP gives up (minutes); here
    it fails after ``timeout`` and the pool replaces the connection, whose connect timeout
    then turns the outage into a fast 503. The dead connection is aborted at once: the
    pool's invalidation would otherwise try a graceful close and wait 2 s more for it."""

    @event.listens_for(engine.sync_engine, "checkout")
    def _ping(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        driver = record.driver_connection
        try:
            await_only(driver.fetchval("SELECT 1", timeout=timeout))
        except Exception as exc:
            driver.terminate()
            raise DisconnectionError(f"pre-ping failed: {type(exc).__name__}") from exc


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def create_read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for reading only (on SQLite they take no write lock)."""
    return async_sessionmaker(
        engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False, autoflush=False
    )


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime column that always comes back as aware UTC.

    SQLite has no time zone type and returns naive values; PostgreSQL returns aware ones.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
