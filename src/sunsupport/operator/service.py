"""Operator work: the queue, claiming, replying, handing back to the bot, resolving."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from sunsupport.chat import events
from sunsupport.chat import service as chats
from sunsupport.core.errors import Conflict, Forbidden
from sunsupport.core.timeutil import utcnow
from sunsupport.models import ChatSession, Message, Role, SessionStatus, User
from sunsupport.operator import repository


async def queue(session: AsyncSession, operator: User) -> Sequence[tuple[ChatSession, str]]:
    return await repository.queue(session, operator.id)


async def waiting_count(session: AsyncSession) -> int:
    return await repository.count_waiting(session)


async def claim(session: AsyncSession, operator: User, session_id: str) -> ChatSession:
    chat = await chats.get_conversation(session, session_id)
    if not await repository.claim(session, session_id, operator.id):
        if chat.status == SessionStatus.OPEN and chat.assignee_id == operator.id:
            return chat  # claiming twice is harmless
        raise Conflict("The conversation is not waiting for an operator")
    await session.refresh(chat)
    events.emit_session(session, chat)
    return chat


async def reply(session: AsyncSession, operator: User, session_id: str, text: str) -> Message:
    chat = await _assigned(session, operator, session_id)
    now = utcnow()
    message = await chats.store_message(session, chat, "operator", text, now, author_id=operator.id)
    if chat.first_response_at is None:
        chat.first_response_at = now
    return message


async def release(session: AsyncSession, operator: User, session_id: str) -> ChatSession:
    """Hand the conversation back to the bot."""
    chat = await _assigned(session, operator, session_id)
    chat.status = SessionStatus.BOT
    chat.assignee_id = None
    events.emit_session(session, chat)
    return chat


async def resolve(session: AsyncSession, operator: User, session_id: str) -> ChatSession:
    chat = await chats.get_conversation(session, session_id)
    if chat.status == SessionStatus.RESOLVED:
        return chat
    if chat.status == SessionStatus.OPEN:
        _check_assignee(chat, operator)
    chat.status = SessionStatus.RESOLVED
    chat.resolved_at = utcnow()
    events.emit_session(session, chat)
    return chat


async def _assigned(session: AsyncSession, operator: User, session_id: str) -> ChatSession:
    chat = await chats.get_conversation(session, session_id)
    if chat.status != SessionStatus.OPEN:
        raise Conflict("Claim the conversation first")
    _check_assignee(chat, operator)
    return chat


def _check_assignee(chat: ChatSession, operator: User) -> None:
    if chat.assignee_id != operator.id and operator.role != Role.ADMIN:
        raise Forbidden("Another operator has this conversation")
