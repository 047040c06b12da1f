"""Units of work: short functions over a database session, run by :class:`Database`.

A unit of work is a plain (synchronous) function whose first argument is a SQLAlchemy
:class:`~sqlalchemy.orm.Session`; it reads and writes, and never commits. Services run
units with ``await db.read(unit, ...)`` or ``await db.write(unit, ...)``, and do their
slow work (password hashing, the bot) between units, never inside one. Every entry
point (HTTP requests, WebSockets, the CLI, background tasks) goes through here, so:

- a write unit is committed before ``write`` returns: a 2xx means the data is stored;
- what the unit recorded for "after the commit" runs then, in this order:
  :func:`on_commit` callbacks (count a metric, teach this process's bot), then the live
  events of :func:`emit` (through the hub, to every process);
- a unit that raises is rolled back, and its callbacks and events are forgotten;
- a write unit may be run twice (SQLite's writer reruns a batch in which a unit failed,
  :mod:`.group_commit`): it must leave its arguments as it found them (and take
  sequences, not one-shot iterators) and build the ORM objects it adds itself (one added
  by a run that was rolled back looks stored to the next); the in-process tests run
  every write batch twice to catch a unit that does not;
- a failure after the commit (a broker that is down) is logged, never raised: the data
  is stored, and clients catch up from the database when they reconnect.

The backends live beside this module: :mod:`.sqlite` (one writer thread committing
concurrent units together, reader threads) and :mod:`.postgres` (asyncpg, the pool);
:func:`sunsupport.core.database.open_database` picks one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from loguru import logger
from sqlalchemy.orm import Session

Event = dict[str, Any]
P = ParamSpec("P")
T = TypeVar("T")
Unit = Callable[Concatenate[Session, P], T]
"""A unit of work: ``unit(session, *args, **kwargs) -> result``."""

_EVENTS = "sunsupport.events"
_CALLBACKS = "sunsupport.after_commit"


class Publisher(Protocol):
    """Where live events go after the commit (a :class:`sunsupport.live.hub.Hub`)."""

    async def publish(self, channel: str, event: Event) -> None: ...

    async def publish_all(self, events: Sequence[tuple[str, Event]]) -> None: ...


def emit(session: Session, channels: str | Iterable[str], event: Event) -> None:
    """Publish ``event`` on ``channels`` once this session's unit of work has committed."""
    targets = (channels,) if isinstance(channels, str) else tuple(channels)
    session.info.setdefault(_EVENTS, []).extend((channel, event) for channel in targets)


def on_commit(session: Session, callback: Callable[[], object]) -> None:
    """Call ``callback`` (in the event loop) once this session's unit has committed."""
    session.info.setdefault(_CALLBACKS, []).append(callback)


def take_outbox(session: Session) -> dict[str, Any]:
    """What a finished unit left for after the commit (and no more on the session)."""
    return {key: session.info.pop(key) for key in (_EVENTS, _CALLBACKS) if key in session.info}


class Database(ABC):
    """Runs units of work. ``read`` units may run concurrently and never wait for
    writers; ``write`` units are committed before ``write`` returns."""

    def __init__(self, publisher: Publisher) -> None:
        self.publisher = publisher

    @property
    @abstractmethod
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""

    async def read(self, unit: Unit[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        result, outbox = await self._run(unit, args, kwargs, write=False)
        await self._after_commit(outbox)
        return result

    async def write(self, unit: Unit[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        result, outbox = await self._run(unit, args, kwargs, write=True)
        await self._after_commit(outbox)
        return result

    async def ping(self) -> None:
        """Raise unless the database answers a trivial query."""
        await self.read(_select_one)

    @abstractmethod
    async def dispose(self) -> None: ...

    @abstractmethod
    async def _run(
        self, unit: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any], *, write: bool
    ) -> tuple[T, dict[str, Any]]:
        """Run ``unit`` in its own transaction; return its result and :func:`take_outbox`."""

    async def _after_commit(self, outbox: dict[str, Any]) -> None:
        for callback in outbox.get(_CALLBACKS, ()):
            try:
                callback()
            except Exception:
                logger.opt(exception=True).error("an after-commit callback failed")
        events = outbox.get(_EVENTS)
        if not events:
            return
        try:
            await self.publisher.publish_all(events)
        except Exception as exc:
            channels = sorted({channel for channel, _event in events})
            logger.error("live events on {} not published: {}", channels, type(exc).__name__)


def _select_one(session: Session) -> None:
    from sqlalchemy import text

    session.execute(text("SELECT 1"))
