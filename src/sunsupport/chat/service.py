"""Chat rules: who may see a conversation, its messages, ratings, feedback and clearing.

Async functions here run units of work through the :class:`Database`; the sync ones
(taking a ``Session``) are rules used inside units, by this feature and by others (the
operator console stores its replies with :func:`store_message`). A user's message and
the bot's answer are in :mod:`sunsupport.chat.turns`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.orm import Session

from sunsupport.chat import events, repository
from sunsupport.core import metrics
from sunsupport.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from sunsupport.core.timeutil import utcnow
from sunsupport.core.uow import Database, on_commit
from sunsupport.knowledge import service as knowledge
from sunsupport.models import ChatSession, InboxReason, Message, SessionStatus, User
from sunsupport.stats import service as stats

TITLE_LENGTH = 80


@dataclass(frozen=True, slots=True)
class ChatPolicy:
    """Service-level knobs that come from the settings."""

    operator_active_window: timedelta = timedelta(minutes=5)
    low_confidence: float = 0.4
    review_sample_rate: float = 0.0
    """Share of confident answers sent to the admins' inbox for review."""


# --- rules inside a unit of work ----------------------------------------------------


def get_conversation(session: Session, session_id: str, *, for_update: bool = False) -> ChatSession:
    chat = repository.get_session(session, session_id, for_update=for_update)
    if chat is None:
        raise NotFound("Chat session not found")
    return chat


def owned_session(
    session: Session,
    user: User,
    session_id: str,
    *,
    staff_may_read: bool = False,
    for_update: bool = False,
) -> ChatSession:
    """The conversation if ``user`` owns it (or is staff, where staff may read): the one
    ownership rule for HTTP routes and live connections alike."""
    chat = get_conversation(session, session_id, for_update=for_update)
    _check_owner(chat, user, staff_may_read)
    return chat


def conversation_snapshot(
    session: Session, user: User, session_id: str, *, staff_may_read: bool = False
) -> ChatSession:
    """:func:`owned_session` for reading: a plain copy, not tied to the session."""
    chat = repository.session_snapshot(session, session_id)
    if chat is None:
        raise NotFound("Chat session not found")
    _check_owner(chat, user, staff_may_read)
    return chat


def _check_owner(chat: ChatSession, user: User, staff_may_read: bool) -> None:
    if chat.user_id != user.id and not (staff_may_read and user.is_staff):
        raise Forbidden("This chat session belongs to another user")


def store_message(
    session: Session,
    chat: ChatSession,
    sender_type: str,
    text: str,
    sent_at: datetime,
    **extra: object,
) -> Message:
    """Store one message on a loaded conversation: its clock, live event and count."""
    message = repository.add_message(
        session,
        Message(session_id=chat.id, sender_type=sender_type, text=text, sent_at=sent_at, **extra),
    )
    chat.last_message_at = sent_at
    events.emit_message(session, chat, message)
    if sender_type != "system":
        on_commit(session, partial(metrics.record_message, sender_type))
    return message


def messages_after_in(
    session: Session, session_ids: Sequence[str], after_id: int, limit: int
) -> Sequence[Message]:
    """What an operator's console missed in several conversations, oldest first."""
    return repository.messages_after_in(session, session_ids, after_id, limit)


@dataclass(frozen=True, slots=True)
class Deleted:
    conversations: int = 0
    messages: int = 0
    inbox_items: int = 0


def delete_conversations(session: Session, session_ids: Sequence[str]) -> Deleted:
    """Delete conversations with everything that quotes them: messages and inbox items.
    Those waiting for or with an operator leave the consoles' queues."""
    for chat in repository.with_status_in(session, session_ids, tuple(events.HUMAN_STATUSES)):
        events.emit_withdrawn(session, chat, "deleted")
    inbox_items = knowledge.forget_conversations(session, session_ids)
    stats.unlink_conversations(session, session_ids)
    conversations, messages = repository.delete_sessions(session, session_ids)
    return Deleted(conversations, messages, inbox_items)


def delete_conversations_of(session: Session, user_id: int) -> Deleted:
    return delete_conversations(session, repository.session_ids_of(session, user_id))


def stale_conversations(session: Session, cutoff: datetime, limit: int) -> list[str]:
    """Ids of conversations last written to before ``cutoff`` (retention)."""
    return repository.stale_session_ids(session, cutoff, limit)


def count_stale_conversations(session: Session, cutoff: datetime) -> tuple[int, int]:
    """Conversations (and their messages) that :func:`stale_conversations` would name."""
    return repository.count_stale(session, cutoff)


def conversations_with_messages(
    session: Session, user_id: int
) -> list[tuple[ChatSession, list[Message]]]:
    """Every conversation of the user, oldest first, each with its messages in order."""
    chats = repository.sessions_of(session, user_id)
    by_chat: dict[str, list[Message]] = {chat.id: [] for chat in chats}
    for message in repository.messages_of(session, user_id):
        # A conversation started between the two reads (PostgreSQL reads take a snapshot
        # each) is not in ``chats``: its messages wait for the next export.
        if message.session_id in by_chat:
            by_chat[message.session_id].append(message)
    return [(chat, by_chat[chat.id]) for chat in chats]


def title_from(text: str) -> str:
    collapsed = " ".join(text.split())
    if len(collapsed) <= TITLE_LENGTH:
        return collapsed
    return collapsed[: TITLE_LENGTH - 1].rstrip() + "…"


# --- what the routes and sockets call -----------------------------------------------


async def create_session(db: Database, user: User) -> ChatSession:
    """A chat to write in: the user's newest empty chat if there is one (brought to the
    top of the list), else a new one. "Новый чат" pressed three times is one chat."""

    def write(session: Session) -> ChatSession:
        now = utcnow()
        empty = repository.newest_empty_session(session, user.id)
        if empty is not None:
            empty.created_date = now
            return empty
        chat = ChatSession(
            id=str(uuid.uuid4()), user_id=user.id, created_date=now, status=SessionStatus.BOT
        )
        return repository.add_session(session, chat)

    return await db.write(write)


async def rename(db: Database, user: User, session_id: str, title: str) -> ChatSession:
    def write(session: Session) -> ChatSession:
        chat = owned_session(session, user, session_id, for_update=True)
        chat.title = title
        session.flush()
        events.emit_session(session, chat)
        return chat

    return await db.write(write)


async def delete_session(db: Database, user: User, session_id: str) -> None:
    """Delete the conversation and its messages (the statistics keep their counts). One
    that was with a human leaves the operators' queue."""

    def write(session: Session) -> None:
        chat = owned_session(session, user, session_id, for_update=True)
        delete_conversations(session, [chat.id])  # the one way a conversation goes
        events.emit_deleted(session, chat)

    await db.write(write)


async def list_sessions(
    db: Database, user: User, limit: int, offset: int
) -> list[tuple[ChatSession, int]]:
    """The user's conversations by last activity, newest first, with their unread counts."""
    return await db.read(repository.list_sessions, user.id, limit, offset)


async def mark_read(db: Database, user: User, session_id: str) -> int | None:
    """The owner has seen the whole conversation (staff reading it changes nothing)."""

    def write(session: Session) -> int | None:
        conversation_snapshot(session, user, session_id)
        return repository.mark_read(session, session_id)

    return await db.write(write)


async def readable_session(db: Database, user: User, session_id: str) -> ChatSession:
    return await db.read(conversation_snapshot, user, session_id, staff_may_read=True)


async def history(
    db: Database, user: User, session_id: str, limit: int, before_id: int | None
) -> list[Message]:
    """The conversation's messages (its owner's, or any for staff), oldest first."""

    def read(session: Session) -> list[Message]:
        conversation_snapshot(session, user, session_id, staff_may_read=True)
        return repository.history(session, session_id, limit, before_id)

    return await db.read(read)


async def catch_up(
    db: Database, user: User, session_id: str, after_id: int, limit: int
) -> tuple[ChatSession, Sequence[Message]]:
    """For a live connection: the conversation (if the user may read it) and the messages
    newer than ``after_id``."""

    def read(session: Session) -> tuple[ChatSession, Sequence[Message]]:
        chat = conversation_snapshot(session, user, session_id, staff_may_read=True)
        return chat, repository.messages_after(session, session_id, after_id, limit)

    return await db.read(read)


async def set_feedback(db: Database, user: User, message_id: int, value: int) -> None:
    """👍/👎 on a bot answer by the conversation's owner. A 👎 sends the question to the
    admins' inbox with the guesses stored with the answer (the bot is not asked again)."""

    def write(session: Session) -> None:
        message = repository.get_message(session, message_id)
        if message is None:
            raise NotFound("Message not found")
        chat = owned_session(session, user, message.session_id)
        if message.sender_type != "bot":
            raise Unprocessable("Feedback is only for bot answers")
        stats.count_feedback(session, chat.id, message.sent_at, message.feedback, value)
        message.feedback = value
        if value < 0:
            question = repository.previous_user_message(session, chat.id, message.id)
            knowledge.record(
                session,
                reason=InboxReason.DOWNVOTE,
                text=question.text if question else message.text,
                session_id=chat.id,
                message_id=question.id if question else None,
                answer_id=message.id,
                intent=message.intent,
                confidence=message.confidence,
                guesses=message.guesses,
            )

    await db.write(write)


async def rate(
    db: Database, user: User, session_id: str, rating: int, comment: str | None
) -> ChatSession:
    def write(session: Session) -> ChatSession:
        chat = owned_session(session, user, session_id, for_update=True)
        if chat.status != SessionStatus.RESOLVED:
            raise Conflict("Only a resolved conversation can be rated")
        chat.rating = rating
        chat.rating_comment = comment or None
        stats.count_rating(session, chat.id, rating)
        return chat

    return await db.write(write)


async def clear_history(db: Database, user: User, session_id: str) -> None:
    """Delete the messages (the statistics keep their counts). A handover under way ends:
    the conversation leaves the queue and is the bot's again, and the consoles are told."""

    def write(session: Session) -> None:
        chat = owned_session(session, user, session_id, for_update=True)
        if chat.status in events.HUMAN_STATUSES:
            events.emit_withdrawn(session, chat, "cleared")
        repository.delete_messages(session, chat.id)
        knowledge.forget_conversations(session, [chat.id])
        chat.title = None
        chat.bot_state = None
        chat.last_message_at = None
        chat.status = SessionStatus.BOT
        chat.assignee_id = None
        session.flush()
        events.emit_session(session, chat)

    await db.write(write)
