"""Group commit: one writer thread commits concurrent units of work together.

SQLite has one writer at a time. Instead of every request taking the write lock, opening
a transaction, committing and syncing to disk on its own, units of work queue here. The
writer thread takes everything queued (up to ``max_batch``), runs the units one after
another in one ``BEGIN IMMEDIATE`` transaction, adds up the counters they recorded
(:mod:`.tally`) and writes them once, commits once (one fsync for the batch), and only
then answers each unit's caller. Nothing but database work runs inside: the units are
short by construction (services do the slow work, hashing and the bot, before they
submit).

A unit that fails is rolled back alone, without paying for a savepoint around every
unit (6–7 % more messages a second at 50 clients, bench/README.md): the batch runs first
with none; if a unit raises, the whole transaction is rolled back and the batch runs
again with a savepoint per unit, so only the failing one is undone. While units keep
failing (the last batch had a failure), a batch starts with savepoints instead of
running twice.

Units must therefore be safe to run twice: the first run's database changes are rolled
back and its session (its ``on_commit`` callbacks, live events and counters) discarded,
so a unit must not change its arguments in a way that changes what a second run does
(:attr:`GroupCommitWriter.rehearse` makes the tests check that). A unit that catches its
own failed flush and goes on has rolled back the batch's transaction without savepoints:
what it does after that is not committed, and the batch runs again isolated.
"""

from __future__ import annotations

import asyncio
import contextvars
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from loguru import logger
from sqlalchemy import Connection, Engine, Transaction
from sqlalchemy.orm import Session

from sunsupport.core import metrics, tally
from sunsupport.core.uow import take_outbox

MAX_BATCH = 256


@dataclass(eq=False)
class _Job:
    unit: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[tuple[Any, dict[str, Any]]]
    context: contextvars.Context = field(default_factory=contextvars.copy_context)
    outcome: tuple[Any, dict[str, Any]] | BaseException | None = None


_STOP = object()


class GroupCommitWriter:
    """The only writer of one SQLite database in this process."""

    rehearse = False
    """Run every batch once and roll it back before running it for real. The tests turn
    this on, so that a unit that is not safe to run twice fails the tests of its feature
    instead of misbehaving only when a batch it shares happens to fail."""

    def __init__(self, engine: Engine, max_batch: int = MAX_BATCH) -> None:
        self._engine = engine
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Job | object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="sqlite-writer", daemon=True)
        self.batches = 0
        """Batches run so far (for measurements)."""
        self.units = 0
        """Units of work run so far."""
        self.reruns = 0
        """Batches run a second time, a savepoint per unit, because a unit failed."""
        self._isolate_next = False
        """A unit of the last batch failed: start the next one with savepoints."""
        self._thread.start()

    @property
    def waiting(self) -> int:
        """Units queued and not yet taken into a batch (for measurements)."""
        return self._queue.qsize()

    async def submit(
        self, unit: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[Any, dict[str, Any]]:
        """Run ``unit(session, *args, **kwargs)``; return once it is committed."""
        loop = asyncio.get_running_loop()
        job = _Job(unit, args, kwargs, loop, loop.create_future())
        self._queue.put(job)
        return await job.future

    async def stop(self) -> None:
        self._queue.put(_STOP)
        await asyncio.to_thread(self._thread.join)

    # --- the writer thread ------------------------------------------------------------

    def _run(self) -> None:
        connection: Connection | None = None
        while True:
            first = self._queue.get()
            if first is _STOP:
                break
            batch = [first]
            while len(batch) < self._max_batch:
                try:
                    job = self._queue.get_nowait()
                except queue.Empty:
                    break
                if job is _STOP:
                    self._queue.put(_STOP)  # finish this batch, then stop
                    break
                batch.append(job)
            jobs = [job for job in batch if isinstance(job, _Job)]
            try:
                if connection is None or connection.invalidated or connection.closed:
                    connection = self._engine.connect()
                self._commit_batch(connection, jobs)
            except BaseException as exc:  # BEGIN or COMMIT failed: nothing of the batch is stored
                # (or a unit raised what is not an Exception: its callers get an error, and
                # this thread lives on, or every later write would wait for ever)
                logger.warning("write batch failed: {}", type(exc).__name__)
                if connection is not None:
                    connection.close()
                    connection = None
                failure = exc if isinstance(exc, Exception) else RuntimeError(repr(exc))
                for job in jobs:
                    job.outcome = failure
            self._answer(jobs)
        if connection is not None:
            connection.close()

    def _commit_batch(self, connection: Connection, jobs: list[_Job]) -> None:
        if self.rehearse:
            self._run_batch(connection, jobs, isolated=True, keep=False)
        run = "isolated" if self._isolate_next else "direct"
        if not self._run_batch(connection, jobs, isolated=self._isolate_next):
            self.reruns += 1
            run = "rerun"
            self._run_batch(connection, jobs, isolated=True)
        metrics.record_write_batch(run)
        self._isolate_next = any(isinstance(job.outcome, BaseException) for job in jobs)
        self.batches += 1
        self.units += len(jobs)

    def _run_batch(
        self, connection: Connection, jobs: list[_Job], *, isolated: bool, keep: bool = True
    ) -> bool:
        """Run ``jobs`` in one transaction, each in a savepoint if ``isolated``, and commit
        it (roll it back if not ``keep``). Without savepoints, a failing unit rolls the
        batch back: False then means "run it again isolated" (unless that unit was alone
        in its batch: then its error is its outcome)."""
        counted: tally.Tally = {}
        transaction = connection.begin()
        try:
            for job in jobs:
                job.outcome = job.context.run(
                    self._run_unit, connection, transaction, job, counted, isolated
                )
                if not isolated and not isinstance(job.outcome, tuple):
                    if transaction.is_active:
                        transaction.rollback()
                    return len(jobs) == 1 and isinstance(job.outcome, BaseException)
            if not keep:
                transaction.rollback()
                return True
            # If this fails, the whole batch is rolled back and every caller gets the error
            # (nothing half-counted is stored; the counters' upserts have no constraint
            # that one unit's values could break).
            tally.flush(connection, counted)
        except BaseException:
            if transaction.is_active:
                transaction.rollback()
            raise
        transaction.commit()
        return True

    @staticmethod
    def _run_unit(
        connection: Connection,
        transaction: Transaction,
        job: _Job,
        counted: tally.Tally,
        isolated: bool,
    ) -> tuple[Any, dict[str, Any]] | BaseException | None:
        """One unit in the batch's transaction (in a savepoint of it if ``isolated``); what
        it counted is added to ``counted`` only if it succeeds. None: the unit rolled the
        batch's transaction back itself (it caught a failed flush and went on), so what
        it did after that is not committed here: the batch has to run again isolated."""
        with Session(
            bind=connection,
            # rollback_only: the unit's commit only flushes, its rollback is the batch's
            join_transaction_mode="create_savepoint" if isolated else "rollback_only",
            expire_on_commit=False,
            autoflush=False,
        ) as session:
            try:
                result = job.unit(session, *job.args, **job.kwargs)
                if not isolated and not transaction.is_active:
                    return None  # closing the session rolls back what it began since
                session.commit()  # flushes (and releases the savepoint if isolated)
            except Exception as exc:
                if isolated:
                    session.rollback()
                return exc
            tally.merge(counted, tally.take(session))
            return result, take_outbox(session)

    @staticmethod
    def _answer(jobs: list[_Job]) -> None:
        """Wake each event loop once for the whole batch."""
        by_loop: dict[asyncio.AbstractEventLoop, list[_Job]] = {}
        for job in jobs:
            by_loop.setdefault(job.loop, []).append(job)
        for loop, settled in by_loop.items():
            loop.call_soon_threadsafe(_settle, settled)


def _settle(jobs: list[_Job]) -> None:
    for job in jobs:
        if job.future.done():  # the caller stopped waiting: the data is stored anyway
            continue
        if isinstance(job.outcome, BaseException):
            job.future.set_exception(job.outcome)
        elif job.outcome is None:
            job.future.set_exception(RuntimeError("the write was not run"))
        else:
            job.future.set_result(job.outcome)
