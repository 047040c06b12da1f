"""Notification rules: which operator replies may need an email, who counts as present.

:func:`queue_reply` runs inside the operator's reply unit of work, so the outbox row is
committed with the reply or not at all. The worker (:mod:`.worker`) sends later; the
presence of live connections (:class:`LivePresence`) is written to the database, so
every process and server sees who is away.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from loguru import logger
from sqlalchemy.orm import Session

from sunsupport.auth import service as accounts
from sunsupport.core.timeutil import utcnow
from sunsupport.core.uow import Database
from sunsupport.models import ChatSession, Message
from sunsupport.notify import repository

LIVE_REFRESH_SECONDS = 15.0
"""How often an open live connection renews its owner's presence."""
LIVE_TTL = timedelta(seconds=45)
"""Presence lasts this long after a renewal: a process that dies stops renewing, and
its people count as away soon after."""


@dataclass(frozen=True, slots=True)
class MailPolicy:
    """What the settings say about email (built once, kept in ``app.state``)."""

    enabled: bool = False
    offline_after: timedelta = timedelta(seconds=60)


def queue_reply(session: Session, policy: MailPolicy, chat: ChatSession, message: Message) -> None:
    """Inside the reply's unit: queue "an operator replied" for the owner, due once they
    could have been away long enough. Nothing is queued without mail or an address."""
    if not policy.enabled or repository.owner_email(session, chat.user_id) is None:
        return
    now = utcnow()
    repository.add(session, chat.user_id, chat.id, message.id, now, now + policy.offline_after)


class LivePresence:
    """Who has an open live connection in this process, written to ``users.live_until``:
    one UPDATE for everyone every 15 s, and one at once when someone connects."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._open: Counter[int] = Counter()
        self._pending: set[asyncio.Task[None]] = set()

    @contextlib.contextmanager
    def connected(self, user_id: int) -> Iterator[None]:
        """While the block runs, ``user_id`` counts as present."""
        self._open[user_id] += 1
        if self._open[user_id] == 1:
            task = asyncio.create_task(self._write([user_id]))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)
        try:
            yield
        finally:
            self._open[user_id] -= 1
            if self._open[user_id] <= 0:
                del self._open[user_id]

    async def run(self) -> None:
        """Renew everyone connected here, for as long as the process runs."""
        while True:
            await asyncio.sleep(LIVE_REFRESH_SECONDS)
            if self._open:
                await self._write(list(self._open))

    async def settled(self) -> None:
        while self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    async def _write(self, user_ids: list[int]) -> None:
        try:
            for start in range(0, len(user_ids), 500):
                chunk = user_ids[start : start + 500]
                await self._db.write(accounts.mark_present, chunk, utcnow() + LIVE_TTL)
        except Exception as exc:  # best effort: the next renewal tries again
            logger.debug("presence not renewed: {}", type(exc).__name__)
