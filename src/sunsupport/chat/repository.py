from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from sunsupport.models import ChatSession, Message


async def get_session(session: AsyncSession, session_id: str) -> ChatSession | None:
    return await session.get(ChatSession, session_id)


async def add_session(session: AsyncSession, chat: ChatSession) -> ChatSession:
    session.add(chat)
    await session.flush()
    return chat


async def list_sessions(
    session: AsyncSession, user_id: int, limit: int, offset: int
) -> Sequence[ChatSession]:
    query = (
        select(ChatSession)
        .where(ChatSession.user_id == user_id)
        .order_by(ChatSession.created_date.desc(), ChatSession.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return (await session.scalars(query)).all()


async def add_message(session: AsyncSession, message: Message) -> Message:
    session.add(message)
    await session.flush()
    return message


async def history(
    session: AsyncSession, session_id: str, limit: int, before_id: int | None
) -> list[Message]:
    """The ``limit`` newest messages older than ``before_id``, oldest first."""
    query = select(Message).where(Message.session_id == session_id)
    if before_id is not None:
        query = query.where(Message.id < before_id)
    query = query.order_by(Message.id.desc()).limit(limit)
    rows = list((await session.scalars(query)).all())
    rows.reverse()
    return rows


async def delete_messages(session: AsyncSession, session_id: str) -> None:
    await session.execute(delete(Message).where(Message.session_id == session_id))


async def get_message(session: AsyncSession, message_id: int) -> Message | None:
    return await session.get(Message, message_id)


async def previous_user_message(
    session: AsyncSession, session_id: str, before_id: int
) -> Message | None:
    query = (
        select(Message)
        .where(
            Message.session_id == session_id,
            Message.sender_type == "user",
            Message.id < before_id,
        )
        .order_by(Message.id.desc())
        .limit(1)
    )
    return await session.scalar(query)


async def messages_after(
    session: AsyncSession, session_id: str, after_id: int, limit: int
) -> Sequence[Message]:
    query = (
        select(Message)
        .where(Message.session_id == session_id, Message.id > after_id)
        .order_by(Message.id)
        .limit(limit)
    )
    return (await session.scalars(query)).all()


async def messages_after_in(
    session: AsyncSession, session_ids: Sequence[str], after_id: int, limit: int
) -> Sequence[Message]:
    if not session_ids or after_id <= 0:
        return []
    query = (
        select(Message)
        .where(Message.session_id.in_(session_ids), Message.id > after_id)
        .order_by(Message.id)
        .limit(limit)
    )
    return (await session.scalars(query)).all()
