"""A migrated SQLite template (copying it is much faster than migrating), and emptying
a database between tests that share one app."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.orm import Session

import sunsupport.models  # noqa: F401  (registers every table on Base.metadata)
from sunsupport.core.db import Base
from sunsupport.core.migrate import upgrade
from sunsupport.core.postgres import PostgresDatabase
from sunsupport.core.sqlite import SqliteDatabase
from sunsupport.core.timeutil import utcnow
from sunsupport.core.uow import Database
from sunsupport.models import CannedReply
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


def delete_everything(session: Session) -> None:
    """A unit of work: every row gone and the id counters restarted, as after migrating."""
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    if session.get_bind().dialect.name == "sqlite":
        for name in tables:
            session.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608 (our tables)
        session.execute(text("DELETE FROM sqlite_sequence"))
    else:
        names = ", ".join(f'"{name}"' for name in tables)
        session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


async def reset_database(db: Database) -> None:
    await db.write(delete_everything)


def count_rows(session: Session, model: type[Any], *where: ColumnElement[bool]) -> int:
    """A unit of work: how many rows of ``model`` match ``where``."""
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def connections_held_by_requests(db: Database) -> int:
    """Database connections checked out right now, not counting the SQLite writer's own
    (the writer thread keeps one connection for as long as the app runs)."""
    if isinstance(db, SqliteDatabase):
        return int(db.read_engine.pool.checkedout())  # type: ignore[attr-defined]
    assert isinstance(db, PostgresDatabase)
    return int(db.engine.pool.checkedout())  # type: ignore[attr-defined]


class HeldWriter:
    """See :func:`writer_held`."""

    def __init__(self, database: SqliteDatabase) -> None:
        self._writer = database.writer

    async def queued(self, count: int) -> None:
        """Wait until ``count`` units are queued behind the held one."""
        async with asyncio.timeout(10):
            while self._writer.waiting < count:  # noqa: ASYNC110 - counted by another thread
                await asyncio.sleep(0.002)


@contextlib.asynccontextmanager
async def writer_held(database: SqliteDatabase, *, fail: bool = False) -> AsyncIterator[HeldWriter]:
    """SQLite's writer waits inside a unit of its own (which then raises LookupError if
    ``fail``) until the block ends: what the block queues (``await held.queued(n)``) is
    committed as one batch after it."""
    started, release = threading.Event(), threading.Event()

    def held(_session: Session) -> None:
        started.set()
        release.wait(10)
        if fail:
            raise LookupError("the held unit fails")

    first = asyncio.ensure_future(database.write(held))
    try:
        if not await asyncio.to_thread(started.wait, 10):
            raise TimeoutError("the writer did not start the held unit")
        yield HeldWriter(database)
    finally:
        release.set()
        with contextlib.suppress(LookupError):
            await first


def add_canned(session: Session, shortcut: str) -> int:
    """A unit of work: one canned reply named ``shortcut`` (a taken name fails the flush)."""
    reply = CannedReply(shortcut=shortcut, text="Здравствуйте!", updated_at=utcnow())
    session.add(reply)
    session.flush()
    return reply.id


def failing(_session: Session) -> None:
    """A unit of work that fails before writing anything."""
    raise LookupError("this unit fails")
