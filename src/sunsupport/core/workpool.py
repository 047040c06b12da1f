"""Bounded pools for CPU-heavy work (Argon2, the bot on long texts).

Work runs in threads, at most ``threads`` at a time, with at most ``queue`` more waiting.
Beyond that the caller gets :class:`Busy` (503 with ``Retry-After``) at once: a burst
of expensive requests is refused early instead of growing a queue that delays everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, TypeVarTuple

from anyio import CapacityLimiter, to_thread

from sunsupport.core.errors import ServiceUnavailable

T = TypeVar("T")
Ts = TypeVarTuple("Ts")


class Busy(ServiceUnavailable):
    headers = {"Retry-After": "2"}


class WorkPool:
    def __init__(self, name: str, threads: int, queue: int) -> None:
        self.name = name
        self.threads = threads
        self.capacity = threads + queue
        self.admitted = 0
        """Calls running or waiting right now."""
        self._limiter: CapacityLimiter | None = None

    async def run(self, func: Callable[[*Ts], T], *args: *Ts) -> T:
        if self.admitted >= self.capacity:
            raise Busy(f"Server busy ({self.name}); retry shortly")
        if self._limiter is None:  # bound to the running event loop on first use
            self._limiter = CapacityLimiter(self.threads)
        self.admitted += 1
        try:
            return await to_thread.run_sync(func, *args, limiter=self._limiter)
        finally:
            self.admitted -= 1
