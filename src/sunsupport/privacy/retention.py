"""Retention: conversations whose last message is older than ``RETENTION_DAYS`` are
deleted with their messages and inbox items, by ``sunsupport purge`` and once a day by
every ``serve`` process (one of them actually runs it: :mod:`sunsupport.core.leases`)."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from loguru import logger
from sqlalchemy.orm import Session

from sunsupport.chat import service as chats
from sunsupport.core import audit, leases
from sunsupport.core.timeutil import utcnow
from sunsupport.core.uow import Database

TASK = "retention"
EVERY = timedelta(days=1)
CHECK_SECONDS = 600.0
"""How often a process looks whether the daily purge is due (and nobody else took it)."""
BATCH = 200
"""Conversations deleted per unit of work: a purge never holds the writer for long."""


@dataclass(frozen=True, slots=True)
class PurgeReport:
    days: int
    cutoff: datetime
    conversations: int = 0
    messages: int = 0
    inbox_items: int = 0
    dry_run: bool = False


async def purge(db: Database, days: int, *, dry_run: bool = False, trigger: str) -> PurgeReport:
    """Delete (or, dry, count) what is older than ``days``. Batches of :data:`BATCH`
    conversations, each its own unit; the last one also writes the audit entry with the
    totals, so a purge is recorded exactly when its last deletion commits."""
    cutoff = utcnow() - timedelta(days=days)
    if dry_run:
        conversations, messages = await db.read(chats.count_stale_conversations, cutoff)
        return PurgeReport(days, cutoff, conversations, messages, dry_run=True)
    report = PurgeReport(days, cutoff)
    while True:
        report, finished = await db.write(_purge_batch, report, trigger)
        if finished:
            return report


def _purge_batch(session: Session, report: PurgeReport, trigger: str) -> tuple[PurgeReport, bool]:
    ids = chats.stale_conversations(session, report.cutoff, BATCH)
    deleted = chats.delete_conversations(session, ids)
    report = PurgeReport(
        report.days,
        report.cutoff,
        report.conversations + deleted.conversations,
        report.messages + deleted.messages,
        report.inbox_items + deleted.inbox_items,
    )
    finished = len(ids) < BATCH
    if finished:
        audit.record(
            session,
            audit.Action.PURGED,
            actor=None,
            days=report.days,
            conversations=report.conversations,
            messages=report.messages,
            inbox_items=report.inbox_items,
            trigger=trigger,
        )
    return report, finished


async def run_daily(db: Database, days: int) -> None:
    """The purge inside ``serve`` (see :func:`daily`)."""

    async def job() -> None:
        report = await purge(db, days, trigger="schedule")
        logger.info(
            "retention: purged {} conversations, {} messages older than {} days",
            report.conversations,
            report.messages,
            days,
        )

    await daily(db, TASK, job)


async def daily(db: Database, task: str, job: Callable[[], Awaitable[object]]) -> None:
    """Run ``job`` once a day in one process of many: checked every few minutes in every
    process, run by the one that claims the day's lease. Failures are logged and retried
    at the next check."""
    holder = f"{socket.gethostname()}:{os.getpid()}"
    while True:
        try:
            if await db.write(leases.claim, task, utcnow(), EVERY, holder):
                await job()
        except Exception as exc:
            logger.warning("{} failed: {}: {}", task, type(exc).__name__, str(exc)[:200])
        await asyncio.sleep(CHECK_SECONDS)
