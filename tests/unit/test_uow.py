"""The unit of work on a real SQLite file: commit, then callbacks, then live events; a
rollback forgets both; a broker failure after the commit never fails the caller."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sunsupport.core.uow import Database, Event, emit, on_commit
from sunsupport.live.hub import InMemoryHub
from sunsupport.models import CannedReply
from tests.support.databases import copy_database
from tests.support.settings import make_settings, sqlite_url


@pytest.fixture
async def hub() -> InMemoryHub:
    return InMemoryHub()


@pytest.fixture
async def database(
    tmp_path: Path, migrated_template: Path, hub: InMemoryHub
) -> AsyncIterator[Database]:
    db_file = copy_database(migrated_template, tmp_path / "uow.db")
    database = Database.from_settings(make_settings(sqlite_url(db_file), tmp_path), hub)
    yield database
    await database.dispose()


def _reply(shortcut: str) -> CannedReply:
    from sunsupport.core.timeutil import utcnow

    return CannedReply(shortcut=shortcut, text="Здравствуйте!", updated_at=utcnow())


async def _count(database: Database) -> int:
    async with database.read() as session:
        return int(await session.scalar(select(func.count()).select_from(CannedReply)) or 0)


async def test_events_and_callbacks_follow_the_commit(database: Database, hub: InMemoryHub) -> None:
    seen: list[str] = []
    async with hub.subscribe("room") as events:
        async with database.write() as session:
            session.add(_reply("hello"))
            on_commit(session, lambda: seen.append("callback"))
            emit(session, ("room", "elsewhere"), {"type": "x"})
            await session.flush()
            assert seen == []
        received: Event = await asyncio.wait_for(anext(aiter(events)), 1)
    assert received == {"type": "x"}
    assert seen == ["callback"]
    assert await _count(database) == 1


async def test_a_rollback_forgets_events_and_callbacks(
    database: Database, hub: InMemoryHub
) -> None:
    seen: list[str] = []
    async with hub.subscribe("room") as events:
        with pytest.raises(RuntimeError):
            async with database.write() as session:
                session.add(_reply("gone"))
                on_commit(session, lambda: seen.append("callback"))
                emit(session, "room", {"type": "x"})
                await session.flush()
                raise RuntimeError("the endpoint failed")
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(anext(aiter(events)), 0.2)
    assert seen == []
    assert await _count(database) == 0


class _BrokenHub:
    async def publish(self, channel: str, event: Event) -> None:
        raise ConnectionError("broker down")


async def test_a_broker_failure_after_the_commit_is_not_the_callers_error(
    tmp_path: Path, migrated_template: Path
) -> None:
    db_file = copy_database(migrated_template, tmp_path / "broken.db")
    database = Database.from_settings(make_settings(sqlite_url(db_file), tmp_path), _BrokenHub())
    try:
        async with database.write() as session:
            session.add(_reply("kept"))
            emit(session, "room", {"type": "x"})
        assert await _count(database) == 1
    finally:
        await database.dispose()
