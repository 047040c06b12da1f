"""Visitor accounts nobody can use any more are deleted, once a day.

A visitor has no password: its token is the only way in. Once the token has run out
(``VISITOR_TOKEN_EXPIRE_DAYS`` after the account was made, with no page of it open
since) and no conversation is left (retention or the visitor deleted them), the
account is a row that only holds a generated name and perhaps an email address. Every
``serve`` process checks daily; one of them runs it (:mod:`sunsupport.core.leases`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from loguru import logger
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from sunsupport.core import audit
from sunsupport.core.timeutil import utcnow
from sunsupport.core.uow import Database
from sunsupport.models import ChatSession, Role, User

TASK = "idle-visitors"
BATCH = 200
"""Accounts deleted per unit of work: the cleanup never holds the writer for long."""


async def forget(db: Database, idle_days: int) -> int:
    """Delete the visitors idle for ``idle_days``; how many there were. One audit entry
    per batch counts them (it names nobody: nothing of them remains)."""
    cutoff = utcnow() - timedelta(days=idle_days)
    total = 0
    while True:
        deleted = await db.write(_forget_batch, cutoff)
        total += deleted
        if deleted < BATCH:
            if total:
                logger.info("deleted {} idle visitor accounts", total)
            return total


def _forget_batch(session: Session, cutoff: datetime) -> int:
    has_conversation = select(ChatSession.id).where(ChatSession.user_id == User.id).exists()
    query = (
        select(User.id)
        .where(
            User.role == Role.VISITOR,
            User.created_at < cutoff,
            or_(User.live_until.is_(None), User.live_until < cutoff),
            ~has_conversation,
        )
        .order_by(User.id)
        .limit(BATCH)
    )
    ids = list(session.scalars(query))
    if ids:  # no page of theirs is open: nobody to tell, one statement for the batch
        session.execute(delete(User).where(User.id.in_(ids)))
        audit.record(session, audit.Action.VISITORS_FORGOTTEN, actor=None, accounts=len(ids))
    return len(ids)
