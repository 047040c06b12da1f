from __future__ import annotations

from collections.abc import Sequence

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


async def list_all(session: AsyncSession) -> Sequence[CannedReply]:
    return (await session.scalars(select(CannedReply).order_by(CannedReply.shortcut))).all()
