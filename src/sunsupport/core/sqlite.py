"""SQLite units of work: reads in a few threads, writes through one group-commit writer."""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from sunsupport.core import tally
from sunsupport.core.config import Settings
from sunsupport.core.db import sqlite_engine
from sunsupport.core.group_commit import GroupCommitWriter
from sunsupport.core.uow import Database, Publisher, take_outbox

T = TypeVar("T")
READERS = 4


class SqliteDatabase(Database):
    def __init__(self, settings: Settings, publisher: Publisher) -> None:
        super().__init__(publisher)
        self.read_engine = sqlite_engine(settings, writer=False, pool_size=READERS)
        self.write_engine = sqlite_engine(settings, writer=True)
        self.writer = GroupCommitWriter(self.write_engine)
        self._readers = ThreadPoolExecutor(READERS, thread_name_prefix="sqlite-reader")

    @property
    def backend(self) -> str:
        return "sqlite"

    async def _run(
        self, unit: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any], *, write: bool
    ) -> tuple[T, dict[str, Any]]:
        if write:
            return await self.writer.submit(unit, args, kwargs)
        context = contextvars.copy_context()  # the request id reaches log lines in the unit
        call = functools.partial(context.run, self._read_unit, unit, args, kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._readers, call)

    def _read_unit(
        self, unit: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[T, dict[str, Any]]:
        with Session(self.read_engine, expire_on_commit=False, autoflush=False) as session:
            result = unit(session, *args, **kwargs)
            tally.refuse_in_read(session, unit)
            session.commit()
            return result, take_outbox(session)

    async def dispose(self) -> None:
        await self.writer.stop()
        self._readers.shutdown(wait=True)
        self.read_engine.dispose()
        self.write_engine.dispose()
