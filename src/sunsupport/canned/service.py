"""Canned replies: one reply per shortcut."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from sunsupport.canned import repository
from sunsupport.core import audit
from sunsupport.core.errors import Conflict, NotFound
from sunsupport.core.timeutil import utcnow
from sunsupport.core.uow import Database
from sunsupport.models import CannedReply, User

TAKEN = "A canned reply with this shortcut exists"
MAX_REPLIES = 500
"""Canned replies are few by nature (the console loads them all for /shortcut
completion); the bound keeps that list, and the page, small."""


async def list_replies(db: Database) -> Sequence[CannedReply]:
    return await db.read(repository.list_all, MAX_REPLIES)


async def create_canned(db: Database, shortcut: str, text: str, admin: User) -> CannedReply:
    def write(session: Session) -> CannedReply:
        if repository.find_canned(session, shortcut) is not None:
            raise Conflict(TAKEN)
        if repository.count(session) >= MAX_REPLIES:
            raise Conflict(f"At most {MAX_REPLIES} canned replies; delete one first")
        reply = CannedReply(shortcut=shortcut, text=text, updated_at=utcnow())
        repository.add_canned(session, reply)
        _audit(session, audit.Action.CANNED_CREATED, admin, reply)
        return reply

    return await db.write(write)


async def update_canned(
    db: Database, reply_id: int, shortcut: str, text: str, admin: User
) -> CannedReply:
    def write(session: Session) -> CannedReply:
        reply = _get(session, reply_id)
        other = repository.find_canned(session, shortcut)
        if other is not None and other.id != reply.id:
            raise Conflict(TAKEN)
        reply.shortcut, reply.text, reply.updated_at = shortcut, text, utcnow()
        _audit(session, audit.Action.CANNED_UPDATED, admin, reply)
        return reply

    return await db.write(write)


async def delete_canned(db: Database, reply_id: int, admin: User) -> None:
    def write(session: Session) -> None:
        reply = _get(session, reply_id)
        _audit(session, audit.Action.CANNED_DELETED, admin, reply)
        repository.delete(session, reply)

    await db.write(write)


def _audit(session: Session, action: audit.Action, admin: User, reply: CannedReply) -> None:
    audit.record(session, action, actor=admin, target=f"canned:{reply.id}", shortcut=reply.shortcut)


def _get(session: Session, reply_id: int) -> CannedReply:
    reply = repository.get_canned(session, reply_id)
    if reply is None:
        raise NotFound("Canned reply not found")
    return reply
