"""The mail worker: sends the outbox's due notifications, in every server process.

Each round it leases a conversation's pending notifications with a conditional UPDATE
(so several workers, processes or servers never send the same rows), decides in a short
read, sends outside any transaction, and settles the rows. A worker that dies lets its
lease run out and another one sends; a failed send is retried with a growing wait.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from loguru import logger
from sqlalchemy.orm import Session

from sunsupport.core import metrics
from sunsupport.core.config import Settings
from sunsupport.core.security import create_email_link_key
from sunsupport.core.timeutil import utcnow
from sunsupport.core.uow import Database
from sunsupport.models import Notification, NotificationStatus
from sunsupport.notify import repository
from sunsupport.notify.mailer import Reply, ReplyDigest, compose, conversation_link
from sunsupport.notify.repository import Recipient
from sunsupport.notify.service import LIVE_TTL

BATCH_WINDOW = timedelta(minutes=10)
"""Replies within this long after an email go into the next one, not one email each."""
MAX_ATTEMPTS = 8
GIVE_UP_AFTER = timedelta(days=3)
"""A reply still unseen and unsent after this long is not worth an email any more."""
CONVERSATIONS_PER_ROUND = 20


class Sender(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … up to an hour, with a little jitter so that workers that
    failed together do not retry together."""
    seconds = min(30 * 2 ** max(attempts - 1, 0), 3600)
    return timedelta(seconds=seconds * random.uniform(0.9, 1.1))  # noqa: S311


class MailWorker:
    def __init__(self, db: Database, settings: Settings, sender: Sender) -> None:
        self._db = db
        self._settings = settings
        self._sender = sender
        self._offline_after = timedelta(seconds=settings.notify_offline_after_seconds)
        self._lease = timedelta(seconds=settings.smtp_timeout_seconds * 2 + 30)

    async def run(self) -> None:
        """Work until cancelled; an outage of the database or the mail server is waited
        out, never fatal."""
        while True:
            try:
                await self.run_once()
            except Exception as exc:
                logger.warning("mail worker round failed: {}", type(exc).__name__)
            await asyncio.sleep(self._settings.mail_poll_seconds)

    async def run_once(self) -> int:
        """One round: every due conversation this worker can lease. Emails sent."""
        now = utcnow()
        sent = 0
        due = await self._db.read(repository.due_conversations, now, CONVERSATIONS_PER_ROUND)
        for session_id in due:
            token = uuid.uuid4().hex
            rows = await self._db.write(
                repository.claim, session_id, token, now, utcnow() + self._lease
            )
            if rows:
                sent += await self._handle(session_id, token, rows)
        return sent

    async def _handle(self, session_id: str, token: str, rows: list[Notification]) -> int:
        now = utcnow()
        plan = await self._db.read(self._plan, session_id, rows, now)
        if plan.skip:
            await self._db.write(
                repository.settle, token, plan.skip, NotificationStatus.SKIPPED, now
            )
        if plan.digest is None:
            if plan.later is not None:
                await self._db.write(repository.postpone, token, plan.later)
            return 0
        try:
            await self._sender.send(compose(plan.digest, self._settings.mail_from))
        except Exception as exc:
            await self._failed(token, [row for row in rows if row.id in plan.send], exc)
            return 0
        await self._db.write(repository.settle, token, plan.send, NotificationStatus.SENT, utcnow())
        metrics.record_reply_email("sent")
        logger.info("reply email sent for conversation {} ({})", session_id, len(plan.send))
        return 1

    async def _failed(self, token: str, rows: list[Notification], exc: Exception) -> None:
        attempts = max(row.attempts for row in rows) + 1
        error = f"{type(exc).__name__}: {exc}"[:500]
        metrics.record_reply_email("failed" if attempts >= MAX_ATTEMPTS else "retried")
        if attempts >= MAX_ATTEMPTS:
            logger.error("reply email given up after {} attempts: {}", attempts, error)
            ids = [row.id for row in rows]
            await self._db.write(repository.settle, token, ids, NotificationStatus.FAILED, utcnow())
            return
        logger.warning("reply email not sent (attempt {}): {}", attempts, error)
        await self._db.write(
            repository.postpone,
            token,
            utcnow() + backoff(attempts),
            failed_attempt=True,
            error=error,
        )

    def _plan(
        self, session: Session, session_id: str, rows: list[Notification], now: datetime
    ) -> _Plan:
        """Inside a read: what to do with the leased rows."""
        plan = _Plan()
        owner = repository.recipient(session, rows[0].user_id)
        seen = repository.seen_up_to(session, session_id)
        for row in rows:
            wanted = owner is not None and bool(owner.email)
            if not wanted or now - row.created_at > GIVE_UP_AFTER:
                plan.skip.append(row.id)
            elif row.message_id <= seen:
                plan.skip.append(row.id)  # read on the page meanwhile
            else:
                plan.send.append(row.id)
        if not plan.send or owner is None or not owner.email:
            return plan
        first_due = min(row.due_at for row in rows if row.id in plan.send)
        if first_due > now:  # only not-yet-due rows were free to lease
            plan.later = first_due
            return plan
        if owner.live_until is not None and owner.live_until > now:
            # Connected: they see it on the page. Ask again once they could be away long enough.
            last_seen = owner.live_until - LIVE_TTL
            plan.later = max(now + timedelta(seconds=1), last_seen + self._offline_after)
            return plan
        last_sent = repository.last_sent_at(session, session_id)
        if last_sent is not None and now < last_sent + BATCH_WINDOW:
            plan.later = last_sent + BATCH_WINDOW  # gather what comes meanwhile into one email
            return plan
        messages = repository.messages(
            session, [row.message_id for row in rows if row.id in plan.send]
        )
        plan.digest = ReplyDigest(
            to=owner.email,
            name=owner.name,
            title=repository.conversation_title(session, session_id),
            replies=[Reply(m.text, m.sent_at) for m in messages],
            link=conversation_link(
                self._settings.base_url,
                session_id,
                self._key(owner, session_id),
                visitor=owner.visitor,
            ),
        )
        return plan

    def _key(self, owner: Recipient, session_id: str) -> str:
        """The link's sign-in key, for users too: one kind of link, and a user reading
        the email on another device is signed in as well."""
        return create_email_link_key(
            owner.user_id,
            self._settings.secret_key or "",
            self._settings.email_link_expire_days,
            owner.token_version,
            session_id,
            visitor=owner.visitor,
        )


@dataclass
class _Plan:
    """What a round does with a conversation's leased notifications."""

    skip: list[int] = field(default_factory=list)
    send: list[int] = field(default_factory=list)
    later: datetime | None = None
    """Give the rows back, due again then."""
    digest: ReplyDigest | None = None
