"""Chat rules: who may see a conversation, and how a user message gets its answer."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from sunsupport.bot import Bot, DialogueState, Reply
from sunsupport.chat import repository
from sunsupport.errors import Forbidden, NotFound
from sunsupport.models import ChatSession, Message, User
from sunsupport.timeutil import utcnow

TITLE_LENGTH = 80
# Short texts are answered inline; long ones go to a worker thread so the bot's CPU time
# never stalls the event loop for other users.
INLINE_BOT_TEXT_LIMIT = 300


@dataclass(frozen=True, slots=True)
class PostedMessage:
    message: Message
    answer: Message | None
    reply: Reply | None


async def create_session(session: AsyncSession, user: User) -> ChatSession:
    chat = ChatSession(id=str(uuid.uuid4()), user_id=user.id, created_date=utcnow())
    return await repository.add_session(session, chat)


async def list_sessions(
    session: AsyncSession, user: User, limit: int, offset: int
) -> Sequence[ChatSession]:
    return await repository.list_sessions(session, user.id, limit, offset)


async def history(
    session: AsyncSession, chat: ChatSession, limit: int, before_id: int | None
) -> list[Message]:
    return await repository.history(session, chat.id, limit, before_id)


async def owned_session(session: AsyncSession, user: User, session_id: str) -> ChatSession:
    chat = await repository.get_session(session, session_id)
    if chat is None:
        raise NotFound("Chat session not found")
    if chat.user_id != user.id:
        raise Forbidden("This chat session belongs to another user")
    return chat


async def post_user_message(
    session: AsyncSession, bot: Bot, chat: ChatSession, text: str
) -> PostedMessage:
    """Store the user's message and the bot's answer in the caller's transaction."""
    now = utcnow()
    message = await repository.add_message(
        session, Message(session_id=chat.id, sender_type="user", text=text, sent_at=now)
    )
    if chat.title is None:
        chat.title = _title_from(text)
    reply = await _ask_bot(bot, text, DialogueState.from_dict(chat.bot_state))
    answer = await repository.add_message(
        session,
        Message(
            session_id=chat.id,
            sender_type="bot",
            text=reply.text,
            sent_at=utcnow(),
            intent=reply.intent,
            confidence=reply.confidence,
        ),
    )
    chat.bot_state = reply.state.to_dict()
    chat.last_message_at = answer.sent_at
    return PostedMessage(message=message, answer=answer, reply=reply)


async def clear_history(session: AsyncSession, chat: ChatSession) -> None:
    await repository.delete_messages(session, chat.id)
    chat.title = None
    chat.bot_state = None
    chat.last_message_at = None


async def _ask_bot(bot: Bot, text: str, state: DialogueState) -> Reply:
    if len(text) <= INLINE_BOT_TEXT_LIMIT:
        return bot.answer(text, state)
    return await to_thread.run_sync(bot.answer, text, state)


def _title_from(text: str) -> str:
    collapsed = " ".join(text.split())
    if len(collapsed) <= TITLE_LENGTH:
        return collapsed
    return collapsed[: TITLE_LENGTH - 1].rstrip() + "…"
