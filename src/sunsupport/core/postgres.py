"""PostgreSQL units of work: asyncpg through SQLAlchemy's async engine and its pool.

A unit is a plain function over a Session; ``run_sync`` runs it in the async session's
greenlet, so each statement is an asyncpg round trip and no thread is involved. There is
no process-wide lock: the pool bounds concurrency and row locks order conflicting writes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.orm import Session

from sunsupport.core import tally
from sunsupport.core.config import Settings
from sunsupport.core.db import postgres_engine
from sunsupport.core.uow import Database, Publisher, take_outbox

T = TypeVar("T")


class PostgresDatabase(Database):
    def __init__(self, settings: Settings, publisher: Publisher) -> None:
        super().__init__(publisher)
        self.engine: AsyncEngine = postgres_engine(settings)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        # Under READ COMMITTED every statement takes its own snapshot, in a transaction or
        # not: a read unit's BEGIN and COMMIT would be two round trips that change nothing.
        reads = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._read_sessions = async_sessionmaker(reads, expire_on_commit=False, autoflush=False)

    @property
    def backend(self) -> str:
        return "postgresql"

    async def _run(
        self, unit: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any], *, write: bool
    ) -> tuple[T, dict[str, Any]]:
        async with (self._sessions if write else self._read_sessions)() as session:
            try:
                result = await session.run_sync(_unit_with_counters, unit, args, kwargs, write)
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
            return result, take_outbox(session.sync_session)

    async def dispose(self) -> None:
        await self.engine.dispose()


def _unit_with_counters(
    session: Session,
    unit: Callable[..., T],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    write: bool,
) -> T:
    """Run ``unit``, then write what it counted (:mod:`.tally`) in its transaction."""
    result = unit(session, *args, **kwargs)
    if not write:
        tally.refuse_in_read(session, unit)
        return result
    session.flush()  # the unit's own writes (and row locks) before the shared counters
    tally.flush(session, tally.take(session))
    return result
