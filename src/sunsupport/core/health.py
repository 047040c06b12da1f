"""``/livez`` (the process answers) and ``/health`` (the database answers too).

However many callers ask, the database is pinged at most once a second: concurrent
``/health`` calls share one probe, and its answer is reused for a second, so a load
balancer polling hard costs no more than a trivial route.
"""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter, Request
from loguru import logger

from sunsupport.core.errors import ServiceUnavailable, error_responses
from sunsupport.core.schemas import HealthOut
from sunsupport.core.uow import Database

router = APIRouter(tags=["health"])
OK = HealthOut(status="ok")


class HealthProbe:
    INTERVAL_SECONDS = 1.0

    def __init__(self, db: Database, timeout: float) -> None:
        self._db = db
        self._timeout = timeout
        self._checked_at = float("-inf")
        self._ok = False
        self._running: asyncio.Task[bool] | None = None

    async def healthy(self) -> bool:
        if time.monotonic() - self._checked_at < self.INTERVAL_SECONDS:
            return self._ok
        if self._running is None:
            self._running = asyncio.create_task(self._probe())
        return await asyncio.shield(self._running)

    def forget(self) -> None:
        """Ping again on the next call (tests that change the database under the app)."""
        self._checked_at = float("-inf")

    async def _probe(self) -> bool:
        try:
            await asyncio.wait_for(self._db.ping(), self._timeout)
            self._ok = True
        except Exception as exc:
            logger.warning("health check: database unavailable: {}", type(exc).__name__)
            self._ok = False
        finally:
            self._checked_at = time.monotonic()
            self._running = None
        return self._ok


@router.get("/livez", response_model=HealthOut)
async def livez() -> HealthOut:
    """The process is up and answering (no database involved)."""
    return OK


@router.get("/health", response_model=HealthOut, responses=error_responses(503))
async def health(request: Request) -> HealthOut:
    """Readiness: ok only when the database answers (checked at most once a second)."""
    probe: HealthProbe = request.app.state.health
    if not await probe.healthy():
        raise ServiceUnavailable("Database unavailable")
    return OK
