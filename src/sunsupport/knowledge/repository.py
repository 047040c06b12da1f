from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sunsupport.models import KbExample, MisunderstoodItem


async def add(session: AsyncSession, item: MisunderstoodItem) -> MisunderstoodItem:
    session.add(item)
    await session.flush()
    return item


async def get(session: AsyncSession, item_id: int) -> MisunderstoodItem | None:
    return await session.get(MisunderstoodItem, item_id)


async def find_for_answer(
    session: AsyncSession, answer_id: int, reason: str
) -> MisunderstoodItem | None:
    query = select(MisunderstoodItem).where(
        MisunderstoodItem.answer_id == answer_id, MisunderstoodItem.reason == reason
    )
    return await session.scalar(query)


async def list_items(
    session: AsyncSession, status: str | None, limit: int, offset: int
) -> Sequence[MisunderstoodItem]:
    query = select(MisunderstoodItem)
    if status is not None:
        query = query.where(MisunderstoodItem.status == status)
    query = query.order_by(MisunderstoodItem.id.desc()).limit(limit).offset(offset)
    return (await session.scalars(query)).all()


async def add_example(session: AsyncSession, example: KbExample) -> KbExample:
    session.add(example)
    await session.flush()
    return example


async def all_examples(session: AsyncSession) -> Sequence[KbExample]:
    return (await session.scalars(select(KbExample).order_by(KbExample.id))).all()
