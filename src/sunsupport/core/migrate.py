"""Alembic, driven from code: the same migrations for the CLI, the tests and `alembic`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from sunsupport.core.config import Settings

MIGRATIONS_DIR = Path(str(files("sunsupport") / "migrations"))


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = settings.database_url
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    if (path := settings.sqlite_path()) is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    _outside_event_loop(command.upgrade, alembic_config(settings), revision)


def unapplied(settings: Settings) -> tuple[str | None, str] | None:
    """``(the database's revision, the code's)`` when the database is behind the code;
    None when it is at head or cannot be reached now (a database that is down is the
    service's to report, with 503s, not a reason to refuse to start)."""
    head = ScriptDirectory.from_config(alembic_config(settings)).get_current_head()
    if head is None:
        return None
    try:
        current = asyncio.run(asyncio.wait_for(_current_revision(settings.database_url), 10))
    except (DBAPIError, OSError, TimeoutError):
        return None
    return (current, head) if current != head else None


async def _current_revision(url: str) -> str | None:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_revision_of)
    finally:
        await engine.dispose()


def _revision_of(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def downgrade(settings: Settings, revision: str) -> None:
    _outside_event_loop(command.downgrade, alembic_config(settings), revision)


def _outside_event_loop(func: Callable[..., None], *args: object) -> None:
    """The migration environment runs its own event loop (``asyncio.run``), which cannot
    start in a thread whose loop is already running; then it gets a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        func(*args)
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(func, *args).result()
