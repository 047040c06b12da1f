"""Operator work: the queue, claiming, replying, handing back to the bot, resolving."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from sunsupport.chat import events
from sunsupport.chat import repository as chat_repository
from sunsupport.chat import service as chat_service
from sunsupport.errors import Conflict, Forbidden, NotFound
from sunsupport.models import CannedReply, ChatSession, Message, Role, SessionStatus, User
from sunsupport.operator import repository
from sunsupport.timeutil import utcnow

# Presence is written at most this often per operator: a busy console is not a write storm.
PRESENCE_RESOLUTION = timedelta(seconds=30)


async def mark_active(session: AsyncSession, operator: User) -> None:
    now = utcnow()
    last = operator.last_active_at
    if last is None or now - last >= PRESENCE_RESOLUTION:
        await repository.touch_operator(session, operator.id, now)
        operator.last_active_at = now


async def queue(session: AsyncSession, operator: User) -> Sequence[tuple[ChatSession, str]]:
    return await repository.queue(session, operator.id)


async def waiting_count(session: AsyncSession) -> int:
    return await repository.count_waiting(session)


async def claim(session: AsyncSession, operator: User, session_id: str) -> ChatSession:
    chat = await _get(session, session_id)
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
    message = await chat_service.store_message(
        session, chat, "operator", text, now, author_id=operator.id
    )
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
    chat = await _get(session, session_id)
    if chat.status == SessionStatus.RESOLVED:
        return chat
    if chat.status == SessionStatus.OPEN:
        _check_assignee(chat, operator)
    chat.status = SessionStatus.RESOLVED
    chat.resolved_at = utcnow()
    events.emit_session(session, chat)
    return chat


async def canned_replies(session: AsyncSession) -> Sequence[CannedReply]:
    return await repository.canned_replies(session)


async def _get(session: AsyncSession, session_id: str) -> ChatSession:
    chat = await chat_repository.get_session(session, session_id)
    if chat is None:
        raise NotFound("Chat session not found")
    return chat


async def _assigned(session: AsyncSession, operator: User, session_id: str) -> ChatSession:
    chat = await _get(session, session_id)
    if chat.status != SessionStatus.OPEN:
        raise Conflict("Claim the conversation first")
    _check_assignee(chat, operator)
    return chat


def _check_assignee(chat: ChatSession, operator: User) -> None:
    if chat.assignee_id != operator.id and operator.role != Role.ADMIN:
        raise Forbidden("Another operator has this conversation")
