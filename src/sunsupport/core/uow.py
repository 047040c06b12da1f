"""The unit of work: one transaction, then after-commit callbacks, then live events.

Every entry point (HTTP requests, WebSockets, the CLI, background tasks) opens its
units of work through :class:`Database`, so what a service records for "after the
commit" runs exactly when the commit succeeded, whoever called the service. Services
record it on the session they were given:

- :func:`on_commit` for callbacks (count a metric, teach this process's bot),
- :func:`emit` for live events (published through the hub to every process).

Both are forgotten when the unit of work rolls back, so nobody ever hears about data
that was not stored. A failure after the commit (a broker that is down) is logged and
never turns stored data into an error for the caller.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import Any, Protocol

from loguru import logger
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from sunsupport.core.config import Settings
from sunsupport.core.db import create_engine, create_read_sessionmaker, create_sessionmaker

Event = dict[str, Any]

_EVENTS = "sunsupport.events"
_CALLBACKS = "sunsupport.after_commit"


class Publisher(Protocol):
    """Where live events go after the commit (a :class:`sunsupport.live.hub.Hub`)."""

    async def publish(self, channel: str, event: Event) -> None: ...


def emit(session: AsyncSession, channels: str | Iterable[str], event: Event) -> None:
    """Publish ``event`` on ``channels`` once this session's unit of work has committed."""
    targets = (channels,) if isinstance(channels, str) else tuple(channels)
    session.info.setdefault(_EVENTS, []).extend((channel, event) for channel in targets)


def on_commit(session: AsyncSession, callback: Callable[[], object]) -> None:
    """Call ``callback`` once this session's unit of work has committed."""
    session.info.setdefault(_CALLBACKS, []).append(callback)


class Database:
    """The engine, its session factories and this process's write queue.

    ``write()`` and ``read()`` are the only places that commit. On SQLite, writers of
    this process queue on an asyncio lock: each is woken the moment the previous one
    commits, instead of polling in SQLite's busy handler (which sleeps in steps of up
    to 100 ms). Readers use a plain ``BEGIN`` and never wait for writers.
    """

    def __init__(self, engine: AsyncEngine, publisher: Publisher) -> None:
        self.engine = engine
        self.publisher = publisher
        self._writer = create_sessionmaker(engine)
        self._reader = create_read_sessionmaker(engine)
        self._write_lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @classmethod
    def from_settings(cls, settings: Settings, publisher: Publisher) -> Database:
        return cls(create_engine(settings), publisher)

    def write(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A unit of work that may write (on SQLite: ``BEGIN IMMEDIATE``, queued)."""
        return self._unit(self._writer, self._write_lock)

    def read(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A unit of work that only reads; it never waits for writers."""
        return self._unit(self._reader, None)

    async def dispose(self) -> None:
        await self.engine.dispose()

    @asynccontextmanager
    async def _unit(
        self, factory: async_sessionmaker[AsyncSession], lock: asyncio.Lock | None
    ) -> AsyncIterator[AsyncSession]:
        async with lock if lock is not None else nullcontext(), factory() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                _forget(session)
                await session.rollback()
                raise
        await self._after_commit(session)

    async def _after_commit(self, session: AsyncSession) -> None:
        for callback in session.info.pop(_CALLBACKS, []):
            try:
                callback()
            except Exception:
                logger.opt(exception=True).error("an after-commit callback failed")
        for channel, event in session.info.pop(_EVENTS, []):
            try:
                await self.publisher.publish(channel, event)
            except Exception as exc:
                # The data is stored; clients catch up from the database when they reconnect.
                logger.error("live event on {} not published: {}", channel, type(exc).__name__)


def _forget(session: AsyncSession) -> None:
    session.info.pop(_EVENTS, None)
    session.info.pop(_CALLBACKS, None)
