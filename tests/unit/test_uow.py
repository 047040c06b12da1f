"""Units of work on a real SQLite file: commit, then callbacks, then live events; a unit
that raises is rolled back alone and its callbacks and events are forgotten; concurrent
writes are committed together; a broker failure after the commit is not the caller's."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sunsupport.core.sqlite import SqliteDatabase
from sunsupport.core.uow import Database, Event, Publisher, Unit, emit, on_commit
from sunsupport.live.hub import InMemoryHub
from sunsupport.models import CannedReply
from tests.support.databases import add_canned, copy_database, count_rows, writer_held
from tests.support.settings import make_settings, sqlite_url


def _open(tmp_path: Path, template: Path, publisher: Publisher) -> SqliteDatabase:
    db_file = copy_database(template, tmp_path / "uow.db")
    return SqliteDatabase(make_settings(sqlite_url(db_file), tmp_path), publisher)


@pytest.fixture
async def hub() -> InMemoryHub:
    return InMemoryHub()


@pytest.fixture
async def database(
    tmp_path: Path, migrated_template: Path, hub: InMemoryHub
) -> AsyncIterator[SqliteDatabase]:
    database = _open(tmp_path, migrated_template, hub)
    yield database
    await database.dispose()


async def test_events_and_callbacks_follow_the_commit(database: Database, hub: InMemoryHub) -> None:
    seen: list[str] = []

    def unit(session: Session) -> int:
        on_commit(session, lambda: seen.append("callback"))
        emit(session, ("room", "elsewhere"), {"type": "x"})
        return add_canned(session, "hello")

    async with hub.subscribe("room") as events:
        reply_id = await database.write(unit)
        received: Event = await asyncio.wait_for(anext(aiter(events)), 1)
    assert received == {"type": "x"} and seen == ["callback"] and reply_id >= 1
    assert await database.read(count_rows, CannedReply) == 1


async def test_a_failing_unit_is_rolled_back_alone(database: Database, hub: InMemoryHub) -> None:
    seen: list[str] = []

    def failing(session: Session) -> None:
        add_canned(session, "gone")
        on_commit(session, lambda: seen.append("callback"))
        emit(session, "room", {"type": "x"})
        raise RuntimeError("the rule said no")

    async with hub.subscribe("room") as events:
        results = await asyncio.gather(
            database.write(add_canned, "kept-1"),
            database.write(failing),
            database.write(add_canned, "kept-2"),
            return_exceptions=True,
        )
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(anext(aiter(events)), 0.2)
    assert isinstance(results[1], RuntimeError)
    assert seen == []
    assert await database.read(count_rows, CannedReply) == 2


async def test_a_unit_raising_what_is_not_an_exception_does_not_stop_the_writer(
    database: Database,
) -> None:
    class Halt(BaseException):
        pass

    def halting(session: Session) -> None:
        add_canned(session, "halted")
        raise Halt

    with pytest.raises(RuntimeError, match="Halt"):
        await asyncio.wait_for(database.write(halting), 5)
    assert await asyncio.wait_for(database.write(add_canned, "after"), 5) >= 1
    assert await database.read(count_rows, CannedReply) == 1


async def test_concurrent_writes_share_commits(database: SqliteDatabase) -> None:
    writer = database.writer
    batches, units = writer.batches, writer.units
    await asyncio.gather(*(database.write(add_canned, f"r{n}") for n in range(50)))
    assert writer.units - units == 50
    assert writer.batches - batches < 50, "every write was committed on its own"
    assert await database.read(count_rows, CannedReply) == 50


class _BrokenHub:
    async def publish(self, channel: str, event: Event) -> None:
        raise ConnectionError("broker down")

    async def publish_all(self, events: Sequence[tuple[str, Event]]) -> None:
        raise ConnectionError("broker down")


async def test_a_broker_failure_after_the_commit_is_not_the_callers_error(
    tmp_path: Path, migrated_template: Path
) -> None:
    database = _open(tmp_path, migrated_template, _BrokenHub())
    try:

        def unit(session: Session) -> int:
            emit(session, "room", {"type": "x"})
            return add_canned(session, "kept")

        await database.write(unit)
        assert await database.read(count_rows, CannedReply) == 1
    finally:
        await database.dispose()


async def _after_a_held_unit(
    database: SqliteDatabase,
    units: Sequence[tuple[Unit[..., Any], tuple[Any, ...]]],
    *,
    held_fails: bool = False,
) -> list[Any]:
    """Run ``units`` as one batch, after one unit of the writer's own (which fails if
    ``held_fails``). Their results or errors, in order."""
    batches = database.writer.batches
    async with writer_held(database, fail=held_fails) as held:
        queued = [asyncio.ensure_future(database.write(unit, *args)) for unit, args in units]
        await held.queued(len(units))
    results = await asyncio.gather(*queued, return_exceptions=True)
    assert database.writer.batches - batches == 2, "the units were not committed together"
    return results


def _fail_after_writing(session: Session, shortcut: str) -> None:
    add_canned(session, shortcut)
    raise RuntimeError("the rule said no")


async def test_a_unit_failing_in_its_flush_is_rolled_back_alone(database: SqliteDatabase) -> None:
    """A constraint broken inside a unit's flush (a taken name) undoes that unit only, even
    when it shares its batch with others: the batch runs again, a savepoint per unit."""
    await database.write(add_canned, "taken")
    reruns = database.writer.reruns
    units = [(add_canned, (name,)) for name in ("kept-1", "taken", "kept-2")]
    results = await _after_a_held_unit(database, units)
    assert isinstance(results[1], IntegrityError)
    assert database.writer.reruns - reruns == 1
    assert await database.read(count_rows, CannedReply) == 3


async def test_a_unit_that_recovers_from_its_flush_error_is_stored_once(
    database: SqliteDatabase,
) -> None:
    """Without savepoints a failed flush rolls back the batch's transaction even when the
    unit catches the error; a unit that then rolls back and writes something else must
    not commit that on its own, and the others must be kept: the batch runs again."""
    await database.write(add_canned, "taken")

    def recover(session: Session) -> str:
        try:
            add_canned(session, "taken")
        except IntegrityError:
            session.rollback()
            add_canned(session, "instead")
            return "recovered"
        return "stored"

    results = await _after_a_held_unit(
        database, [(add_canned, ("kept-1",)), (recover, ()), (add_canned, ("kept-2",))]
    )
    assert results[0] >= 1 and results[1] == "recovered" and results[2] >= 1
    stored = await database.read(
        lambda session: sorted(session.scalars(select(CannedReply.shortcut)))
    )
    assert stored == ["instead", "kept-1", "kept-2", "taken"]


async def test_while_units_keep_failing_batches_start_with_savepoints(
    database: SqliteDatabase,
) -> None:
    """A batch with a failure makes the next start with a savepoint per unit (no second
    run); a batch without one lets the next run without them again."""
    writer = database.writer

    def batch(tag: str) -> list[tuple[Unit[..., Any], tuple[Any, ...]]]:
        return [
            (add_canned, (f"{tag}-1",)),
            (_fail_after_writing, (f"{tag}-x",)),
            (add_canned, (f"{tag}-2",)),
        ]

    reruns = writer.reruns
    first = await _after_a_held_unit(database, batch("a"))  # without savepoints: runs twice
    assert writer.reruns - reruns == 1
    second = await _after_a_held_unit(database, batch("b"), held_fails=True)  # still failing
    assert writer.reruns - reruns == 1, "the batch after a failure ran twice"
    third = await _after_a_held_unit(database, batch("c"))  # the held one succeeded first
    assert writer.reruns - reruns == 2
    for results in (first, second, third):
        assert [type(result) for result in results] == [int, RuntimeError, int]
    assert await database.read(count_rows, CannedReply) == 6
