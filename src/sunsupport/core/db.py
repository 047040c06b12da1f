"""The declarative base, the column types and the engines. Commits happen only in the
units of work (:mod:`sunsupport.core.uow`).

SQLite is driven through the standard ``sqlite3`` module from threads (one dedicated
writer, a few readers): each unit of work costs one hop to a thread instead of one per
statement, which is what an asyncio driver for SQLite costs. PostgreSQL uses asyncpg.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, DateTime, Dialect, Engine, MetaData, event, make_url
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import QueuePool
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


def sqlite_engine(settings: Settings, *, writer: bool, pool_size: int = 1) -> Engine:
    """A synchronous SQLite engine for the writer thread or the reader threads.

    Every connection gets real foreign keys (cascades), WAL and a busy timeout. The writer
    starts its transactions with ``BEGIN IMMEDIATE`` (taking the write lock at once: a
    deferred transaction that reads, then writes, fails when another process wrote in
    between) and syncs each commit to disk (``synchronous=FULL``): with group commit that
    is one fsync per batch, and a 2xx means the data survives a power cut. Readers use a
    plain ``BEGIN``: in WAL mode they never wait for the writer.
    """
    path = settings.sqlite_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    url = make_url(settings.database_url).set(drivername="sqlite+pysqlite")
    engine = create_sync_engine(
        url,
        echo=settings.sql_echo,
        hide_parameters=True,  # SQL logs and errors never carry hashes or user text
        poolclass=QueuePool,
        pool_size=pool_size,
        max_overflow=0,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )
    synchronous = "FULL" if writer else "NORMAL"
    begin = "BEGIN IMMEDIATE" if writer else "BEGIN"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(begin)

    return engine


def postgres_engine(settings: Settings) -> AsyncEngine:
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
