"""Canned replies: one reply per shortcut."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from sunsupport.canned import repository
from sunsupport.core.errors import Conflict, NotFound
from sunsupport.core.timeutil import utcnow
from sunsupport.models import CannedReply


async def list_replies(session: AsyncSession) -> Sequence[CannedReply]:
    return await repository.list_all(session)


async def create_canned(session: AsyncSession, shortcut: str, text: str) -> CannedReply:
    if await repository.find_canned(session, shortcut) is not None:
        raise Conflict("A canned reply with this shortcut exists")
    return await repository.add_canned(
        session, CannedReply(shortcut=shortcut, text=text, updated_at=utcnow())
    )


async def update_canned(
    session: AsyncSession, reply_id: int, shortcut: str, text: str
) -> CannedReply:
    reply = await _get(session, reply_id)
    other = await repository.find_canned(session, shortcut)
    if other is not None and other.id != reply.id:
        raise Conflict("A canned reply with this shortcut exists")
    reply.shortcut, reply.text, reply.updated_at = shortcut, text, utcnow()
    return reply


async def delete_canned(session: AsyncSession, reply_id: int) -> None:
    await repository.delete(session, await _get(session, reply_id))


async def _get(session: AsyncSession, reply_id: int) -> CannedReply:
    reply = await repository.get_canned(session, reply_id)
    if reply is None:
        raise NotFound("Canned reply not found")
    return reply
