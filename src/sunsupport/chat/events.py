"""The shapes of live events about conversations (shared by chat and operator code)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from sunsupport.core.uow import emit
from sunsupport.live.hub import STAFF_CHANNEL, Event, session_channel
from sunsupport.models import ChatSession, Message, SessionStatus


def message_payload(message: Message) -> Event:
    return {
        "id": message.id,
        "session_id": message.session_id,
        "sender_type": message.sender_type,
        "text": message.text,
        "sent_at": message.sent_at.isoformat(),
        "feedback": message.feedback,
        "author_name": message.author_name,
        "event": message.event,
        "suggestions": message.suggestions or [],
    }


def message_event(message: Message) -> Event:
    return {"type": "message", "message": message_payload(message)}


def session_payload(chat: ChatSession) -> Event:
    return {
        "id": chat.id,
        "user_id": chat.user_id,
        "status": chat.status,
        "assignee_id": chat.assignee_id,
        "title": chat.title,
        "waiting_since": _iso(chat.waiting_since),
        "last_message_at": _iso(chat.last_message_at),
        "resolved_at": _iso(chat.resolved_at),
    }


HUMAN_STATUSES = (SessionStatus.PENDING_HUMAN, SessionStatus.OPEN)


def emit_message(session: Session, chat: ChatSession, message: Message) -> None:
    """The user's page always hears; staff only while a human is involved, so the bot's
    everyday chatter does not flood the consoles."""
    event = message_event(message)
    human = chat.status in HUMAN_STATUSES
    channels = (session_channel(chat.id), STAFF_CHANNEL) if human else session_channel(chat.id)
    emit(session, channels, event)


def emit_session(session: Session, chat: ChatSession) -> None:
    event = {"type": "session", "session": session_payload(chat)}
    emit(session, (session_channel(chat.id), STAFF_CHANNEL), event)


def emit_withdrawn(session: Session, chat: ChatSession, reason: str) -> None:
    """Tell the consoles that the customer took back a conversation that was with a
    human (``reason``: ``cleared`` or ``deleted``): it leaves the queue."""
    event = {"type": "withdrawn", "session_id": chat.id, "reason": reason}
    emit(session, STAFF_CHANNEL, event)


def emit_deleted(session: Session, chat: ChatSession) -> None:
    """The customer's other tabs drop a deleted conversation."""
    emit(session, session_channel(chat.id), {"type": "deleted", "session_id": chat.id})


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
