"""A migrated SQLite template (copying it is much faster than migrating), and emptying
a database between tests that share one app."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import sunsupport.models  # noqa: F401  (registers every table on Base.metadata)
from sunsupport.core.db import Base
from sunsupport.core.migrate import upgrade
from tests.support.settings import make_settings, sqlite_url


def migrate_template(directory: Path) -> Path:
    db_file = directory / "template.db"
    upgrade(make_settings(sqlite_url(db_file), directory / "logs"))
    return db_file


def copy_database(template: Path, target: Path) -> Path:
    """A fresh database file from the template (a WAL left beside the target is removed)."""
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, target)
    return target


async def reset_database(engine: AsyncEngine) -> None:
    """Delete every row and restart the id counters, as after a fresh migration."""
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    async with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            for name in tables:
                await conn.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608 (our tables)
            await conn.execute(text("DELETE FROM sqlite_sequence"))
        else:
            names = ", ".join(f'"{name}"' for name in tables)
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
