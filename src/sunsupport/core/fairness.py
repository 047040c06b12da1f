"""Fairness: one person's requests never take the whole server.

Each key (a user, or a client address before login) gets a few requests running at a
time; more wait their turn, parked at no cost to anyone else, and beyond a bounded queue
they are refused with 429. A flood from one account or address then competes with
everybody else's requests as a handful of requests, not as hundreds.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sunsupport.core.errors import TooManyRequests

BUSY = "Too many requests in flight; wait for the answers first"


class Gates:
    """``running`` holders of a key at a time, and at most ``waiting`` more queued (None:
    no bound). Keys are forgotten when nobody holds or waits for them."""

    def __init__(self, running: int, waiting: int | None) -> None:
        self.running = running
        self.waiting = waiting
        self._gates: dict[str, tuple[asyncio.Semaphore, int]] = {}

    @asynccontextmanager
    async def turn(self, key: str) -> AsyncIterator[None]:
        semaphore, users = self._gates.get(key, (None, 0))
        if semaphore is None:
            semaphore = asyncio.Semaphore(self.running)
        if self.waiting is not None and users >= self.running + self.waiting:
            raise TooManyRequests(BUSY, retry_after=1)
        self._gates[key] = (semaphore, users + 1)
        try:
            async with semaphore:
                yield
        finally:
            semaphore, users = self._gates[key]
            if users == 1:
                del self._gates[key]
            else:
                self._gates[key] = (semaphore, users - 1)
