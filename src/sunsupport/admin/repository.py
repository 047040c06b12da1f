from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sunsupport.models import CannedReply


async def get_canned(session: AsyncSession, reply_id: int) -> CannedReply | None:
    return await session.get(CannedReply, reply_id)


async def find_canned(session: AsyncSession, shortcut: str) -> CannedReply | None:
    return await session.scalar(select(CannedReply).where(CannedReply.shortcut == shortcut))


async def add_canned(session: AsyncSession, reply: CannedReply) -> CannedReply:
    session.add(reply)
    await session.flush()
    return reply


async def delete(session: AsyncSession, reply: CannedReply) -> None:
    await session.delete(reply)
