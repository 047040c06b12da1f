"""Operator work: the queue, claiming, replying, handing back to the bot, resolving.

Each action is one unit of work on a conversation loaded with its row locked
(PostgreSQL), so two operators' actions on one conversation are applied one after the
other; each changes the conversation through the ORM, which moves its version
(``models/session.py``), so a user's turn computed meanwhile is worked out again from
the new state.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from sunsupport.chat import events
from sunsupport.chat import service as chats
from sunsupport.core.errors import Conflict, Forbidden
from sunsupport.core.timeutil import utcnow
from sunsupport.core.uow import Database
from sunsupport.models import ChatSession, Message, Role, SessionStatus, User
from sunsupport.notify import service as notifications
from sunsupport.notify.service import MailPolicy
from sunsupport.operator import repository
from sunsupport.operator.notes import HandoverEvent, handover_note
from sunsupport.operator.repository import Customer
from sunsupport.stats import service as stats


def queue_of(session: Session, operator: User) -> Sequence[tuple[ChatSession, Customer]]:
    return repository.queue(session, operator.id)


def waiting_count(session: Session) -> int:
    return repository.count_waiting(session)


def requeue_conversations_of(session: Session, operator: User) -> int:
    """Inside a unit of work (the operator's account is being deleted): the conversations
    they had go back to the queue, waiting for another operator. How many."""
    chats_back = repository.assigned_to(session, operator.id)
    for chat in chats_back:
        chat.status = SessionStatus.PENDING_HUMAN
        chat.assignee_id = None
        events.emit_session(session, chat)
    return len(chats_back)


async def queue(db: Database, operator: User) -> Sequence[tuple[ChatSession, Customer]]:
    return await db.read(queue_of, operator)


async def claim(db: Database, operator: User, session_id: str) -> ChatSession:
    def write(session: Session) -> ChatSession:
        chat = chats.get_conversation(session, session_id)
        if not repository.claim(session, session_id, operator.id):
            if chat.status == SessionStatus.OPEN and chat.assignee_id == operator.id:
                return chat  # claiming twice is harmless
            raise Conflict("The conversation is not waiting for an operator")
        session.refresh(chat)
        events.emit_session(session, chat)
        _note(session, chat, operator, "claimed")
        return chat

    return await db.write(write)


async def reply(
    db: Database, operator: User, session_id: str, text: str, mail: MailPolicy | None = None
) -> Message:
    """Store the reply; in the same unit, queue an email for an owner who may be away
    (so a crash right after the commit loses no email)."""

    def write(session: Session) -> Message:
        chat = _assigned(session, operator, session_id)
        now = utcnow()
        message = chats.store_message(
            session,
            chat,
            "operator",
            text,
            now,
            author_id=operator.id,
            author_name=operator.shown_name,
        )
        first = chat.first_response_at is None
        stats.count_operator_reply(session, chat.id, now, chat.waiting_since if first else None)
        if first:
            chat.first_response_at = now
        if mail is not None:
            notifications.queue_reply(session, mail, chat, message)
        return message

    return await db.write(write)


async def release(db: Database, operator: User, session_id: str) -> ChatSession:
    """Hand the conversation back to the bot."""

    def write(session: Session) -> ChatSession:
        chat = _assigned(session, operator, session_id)
        _note(session, chat, operator, "released")  # while staff still hear the chat
        chat.status = SessionStatus.BOT
        chat.assignee_id = None
        events.emit_session(session, chat)
        return chat

    return await db.write(write)


async def resolve(db: Database, operator: User, session_id: str) -> ChatSession:
    def write(session: Session) -> ChatSession:
        chat = chats.get_conversation(session, session_id, for_update=True)
        if chat.status == SessionStatus.RESOLVED:
            return chat
        if chat.status == SessionStatus.BOT:  # nobody handed it over: nothing to close
            raise Conflict("The conversation is with the bot; nobody asked for a human")
        if chat.status == SessionStatus.OPEN:
            _check_assignee(chat, operator)
        _note(session, chat, operator, "resolved")
        chat.status = SessionStatus.RESOLVED
        chat.resolved_at = utcnow()
        events.emit_session(session, chat)
        return chat

    return await db.write(write)


def _note(session: Session, chat: ChatSession, operator: User, event: HandoverEvent) -> None:
    """A system note in the timeline: who took the chat, gave it back or closed it."""
    name = operator.shown_name
    text = handover_note(event, name)
    chats.store_message(
        session,
        chat,
        "system",
        text,
        utcnow(),
        author_id=operator.id,
        author_name=name,
        event=event,
    )


def _assigned(session: Session, operator: User, session_id: str) -> ChatSession:
    chat = chats.get_conversation(session, session_id, for_update=True)
    if chat.status != SessionStatus.OPEN:
        raise Conflict("Claim the conversation first")
    _check_assignee(chat, operator)
    return chat


def _check_assignee(chat: ChatSession, operator: User) -> None:
    if chat.assignee_id != operator.id and operator.role != Role.ADMIN:
        raise Forbidden("Another operator has this conversation")
