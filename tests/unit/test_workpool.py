"""Bounded CPU pools and staff presence: refuse beyond the queue, write at most every 30 s."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest

from sunsupport.auth.service import PRESENCE_RESOLUTION, Presence
from sunsupport.core.timeutil import utcnow
from sunsupport.core.workpool import Busy, WorkPool
from sunsupport.models import User


async def test_a_full_pool_refuses_at_once() -> None:
    pool = WorkPool("test", threads=1, queue=1)
    release = threading.Event()
    running = [asyncio.create_task(pool.run(release.wait, 10)) for _ in range(2)]
    await asyncio.sleep(0.05)
    with pytest.raises(Busy) as refused:
        await pool.run(release.wait, 10)
    assert refused.value.status_code == 503 and refused.value.headers == {"Retry-After": "2"}
    release.set()
    assert await asyncio.gather(*running) == [True, True]
    assert await pool.run(lambda: 42) == 42


class _Writes:
    def __init__(self) -> None:
        self.units: list[object] = []

    async def write(self, unit, *args):  # the Database interface, recorded
        self.units.append(args)


async def test_presence_is_written_at_most_every_30_seconds() -> None:
    writes = _Writes()
    presence = Presence(writes)  # type: ignore[arg-type]
    staff = User(id=7, username="oper", role="operator", last_active_at=None)
    for _ in range(5):
        presence.seen(staff)
    await presence.settled()
    assert len(writes.units) == 1
    fresh = User(id=8, username="op2", role="operator", last_active_at=utcnow())
    presence.seen(fresh)
    stale = User(
        id=9, username="op3", role="operator", last_active_at=utcnow() - PRESENCE_RESOLUTION
    )
    presence.seen(stale)
    await presence.settled()
    assert [unit[0] for unit in writes.units] == [7, 9]
    assert timedelta(seconds=30) == PRESENCE_RESOLUTION
