"""Background work of the operator feature, started by the app's lifespan."""

from __future__ import annotations

import asyncio

from loguru import logger

from sunsupport.core import metrics
from sunsupport.core.uow import Database
from sunsupport.operator import service

GAUGE_REFRESH_SECONDS = 15


async def refresh_queue_gauge(database: Database) -> None:
    """Keep the queue-length gauge current (the database is the truth across processes)."""
    while True:
        try:
            metrics.set_queue_length(await database.read(service.waiting_count))
        except Exception as exc:  # a database outage must not kill the task
            logger.debug("queue gauge not refreshed: {}", type(exc).__name__)
        await asyncio.sleep(GAUGE_REFRESH_SECONDS)
