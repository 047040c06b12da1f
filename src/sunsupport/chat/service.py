"""Chat rules: who may see a conversation, and how a user message gets its answer."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from sunsupport.auth import service as accounts
from sunsupport.bot import FALLBACK, Bot, DialogueState, Ranked, Reply
from sunsupport.chat import events, repository
from sunsupport.core import metrics
from sunsupport.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from sunsupport.core.timeutil import utcnow
from sunsupport.core.uow import on_commit
from sunsupport.knowledge import service as inbox
from sunsupport.models import ChatSession, InboxReason, Message, SessionStatus, User

TITLE_LENGTH = 80
# Short texts are answered inline; long ones go to a worker thread so the bot's CPU time
# never stalls the event loop for other users.
INLINE_BOT_TEXT_LIMIT = 300
HANDOFF_INTENT = "operator"

HANDOFF_ON_THE_WAY = (
    "Зову оператора! Человек из команды Солнца подключится к этому чату в ближайшие "
    "минуты. Пока можно подробнее описать, что случилось."
)
HANDOFF_QUEUED = (
    "Сейчас все операторы на смене у Солнца и не у экранов. Ваш вопрос поставлен в очередь — "
    "оператор ответит прямо здесь, как только освободится. Можно закрыть вкладку: "
    "ответ сохранится в этом чате."
)


@dataclass(frozen=True, slots=True)
class ChatPolicy:
    """Service-level knobs that come from the settings."""

    operator_active_window: timedelta = timedelta(minutes=5)
    low_confidence: float = 0.4


@dataclass(frozen=True, slots=True)
class PostedMessage:
    message: Message
    answer: Message | None
    reply: Reply | None


async def create_session(session: AsyncSession, user: User) -> ChatSession:
    chat = ChatSession(
        id=str(uuid.uuid4()), user_id=user.id, created_date=utcnow(), status=SessionStatus.BOT
    )
    return await repository.add_session(session, chat)


async def list_sessions(
    session: AsyncSession, user: User, limit: int, offset: int
) -> Sequence[ChatSession]:
    return await repository.list_sessions(session, user.id, limit, offset)


async def history(
    session: AsyncSession, chat: ChatSession, limit: int, before_id: int | None
) -> list[Message]:
    return await repository.history(session, chat.id, limit, before_id)


async def messages_after(
    session: AsyncSession, chat: ChatSession, after_id: int, limit: int
) -> Sequence[Message]:
    """What a live client missed: messages newer than ``after_id``, oldest first."""
    return await repository.messages_after(session, chat.id, after_id, limit)


async def messages_after_in(
    session: AsyncSession, session_ids: Sequence[str], after_id: int, limit: int
) -> Sequence[Message]:
    """The same over several conversations (an operator's console)."""
    return await repository.messages_after_in(session, session_ids, after_id, limit)


async def get_conversation(session: AsyncSession, session_id: str) -> ChatSession:
    chat = await repository.get_session(session, session_id)
    if chat is None:
        raise NotFound("Chat session not found")
    return chat


async def owned_session(
    session: AsyncSession, user: User, session_id: str, *, staff_may_read: bool = False
) -> ChatSession:
    """The chat session if ``user`` owns it (or is staff, where staff may read): the one
    ownership rule for HTTP routes and live connections alike."""
    chat = await get_conversation(session, session_id)
    if chat.user_id != user.id and not (staff_may_read and user.is_staff):
        raise Forbidden("This chat session belongs to another user")
    return chat


async def post_user_message(
    session: AsyncSession, bot: Bot, chat: ChatSession, text: str, policy: ChatPolicy
) -> PostedMessage:
    """Store the user's message and, while the bot has the conversation, its answer.

    Everything happens in the caller's transaction; live events go out after commit.
    """
    now = utcnow()
    if chat.status == SessionStatus.RESOLVED:  # writing again reopens it with the bot
        chat.status = SessionStatus.BOT
        chat.assignee_id = None
        events.emit_session(session, chat)
    message = await store_message(session, chat, "user", text, now)
    if chat.title is None:
        chat.title = _title_from(text)
    if chat.status in (SessionStatus.PENDING_HUMAN, SessionStatus.OPEN):
        return PostedMessage(message=message, answer=None, reply=None)

    reply = await _ask_bot(bot, text, DialogueState.from_dict(chat.bot_state))
    if reply.intent == HANDOFF_INTENT and not reply.clarification:
        handoff_text = await _handoff(session, chat, now, policy)
        reply = dataclasses.replace(reply, text=handoff_text, suggestions=(), state=DialogueState())
    chat.bot_state = reply.state.to_dict()
    on_commit(session, partial(metrics.record_bot_answer, reply.intent))
    answer = await store_message(
        session,
        chat,
        "bot",
        reply.text,
        utcnow(),
        intent=reply.intent,
        confidence=reply.confidence,
    )
    await _log_if_misunderstood(session, chat, message, answer, reply, policy)
    return PostedMessage(message=message, answer=answer, reply=reply)


async def set_feedback(
    session: AsyncSession, bot: Bot, user: User, message_id: int, value: int
) -> Message:
    message = await repository.get_message(session, message_id)
    if message is None:
        raise NotFound("Message not found")
    chat = await owned_session(session, user, message.session_id)
    if message.sender_type != "bot":
        raise Unprocessable("Feedback is only for bot answers")
    message.feedback = value
    if value < 0:
        question = await repository.previous_user_message(session, chat.id, message.id)
        guesses = (
            _guesses((await _ask_bot(bot, question.text, DialogueState())).ranking)
            if question
            else None
        )
        await inbox.record(
            session,
            reason=InboxReason.DOWNVOTE,
            text=question.text if question else message.text,
            session_id=chat.id,
            message_id=question.id if question else None,
            answer_id=message.id,
            intent=message.intent,
            confidence=message.confidence,
            guesses=guesses,
        )
    return message


async def rate(
    session: AsyncSession, chat: ChatSession, rating: int, comment: str | None
) -> ChatSession:
    if chat.status != SessionStatus.RESOLVED:
        raise Conflict("Only a resolved conversation can be rated")
    chat.rating = rating
    chat.rating_comment = comment or None
    return chat


async def clear_history(session: AsyncSession, chat: ChatSession) -> None:
    await repository.delete_messages(session, chat.id)
    chat.title = None
    chat.bot_state = None
    chat.last_message_at = None
    events.emit_session(session, chat)


async def _handoff(
    session: AsyncSession, chat: ChatSession, now: datetime, policy: ChatPolicy
) -> str:
    chat.status = SessionStatus.PENDING_HUMAN
    chat.assignee_id = None
    chat.waiting_since = now
    chat.first_response_at = None
    chat.resolved_at = None
    if chat.handed_off_at is None:
        chat.handed_off_at = now
    events.emit_session(session, chat)
    on_commit(session, metrics.record_handoff)
    since = now - policy.operator_active_window
    if await accounts.staff_active_since(session, since):
        return HANDOFF_ON_THE_WAY
    return HANDOFF_QUEUED


async def store_message(
    session: AsyncSession,
    chat: ChatSession,
    sender_type: str,
    text: str,
    sent_at: datetime,
    **extra: object,
) -> Message:
    """Store one message of any sender: the conversation's clock, live event and count."""
    message = await repository.add_message(
        session,
        Message(session_id=chat.id, sender_type=sender_type, text=text, sent_at=sent_at, **extra),
    )
    chat.last_message_at = sent_at
    events.emit_message(session, chat, message)
    on_commit(session, partial(metrics.record_message, sender_type))
    return message


async def _log_if_misunderstood(
    session: AsyncSession,
    chat: ChatSession,
    message: Message,
    answer: Message,
    reply: Reply,
    policy: ChatPolicy,
) -> None:
    if reply.intent == FALLBACK:
        reason = InboxReason.FALLBACK
    elif reply.clarification or reply.confidence < policy.low_confidence:
        reason = InboxReason.LOW_CONFIDENCE
    else:
        return
    await inbox.record(
        session,
        reason=reason,
        text=message.text,
        session_id=chat.id,
        message_id=message.id,
        answer_id=answer.id,
        intent=reply.intent,
        confidence=reply.confidence,
        guesses=_guesses(reply.ranking),
    )


def _guesses(ranking: Sequence[Ranked]) -> list[dict[str, object]]:
    """The bot's top three readings, for admins deciding what the user meant."""
    return [{"intent": r.intent, "confidence": round(r.confidence, 4)} for r in ranking[:3]]


async def _ask_bot(bot: Bot, text: str, state: DialogueState) -> Reply:
    if len(text) <= INLINE_BOT_TEXT_LIMIT:
        return bot.answer(text, state)
    return await to_thread.run_sync(bot.answer, text, state)


def _title_from(text: str) -> str:
    collapsed = " ".join(text.split())
    if len(collapsed) <= TITLE_LENGTH:
        return collapsed
    return collapsed[: TITLE_LENGTH - 1].rstrip() + "…"
