from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Connection,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column, object_session

from sunsupport.core.db import Base, UTCDateTime
from sunsupport.core.timeutil import utcnow
from sunsupport.models.enums import SessionStatus, sql_in


class ChatSession(Base):
    __tablename__ = "sessions"
    __table_args__ = (
        Index("ix_sessions_user_id_created_date", "user_id", "created_date"),
        Index("ix_sessions_status_waiting_since", "status", "waiting_since"),
        CheckConstraint(f"status IN ({sql_in(SessionStatus)})", name="status_valid"),
        CheckConstraint("rating IS NULL OR (rating BETWEEN 1 AND 5)", name="rating_range"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_date: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    title: Mapped[str | None] = mapped_column(String(80))
    bot_state: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(
        String(16), default=SessionStatus.BOT, server_default=SessionStatus.BOT
    )
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When the user last asked for a human (kept afterwards, for response-time stats)."""
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """First time the user asked for a human: self-service means this stayed empty."""
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    read_message_id: Mapped[int | None] = mapped_column(Integer)
    """The newest message the owner has seen: replies after it are unread."""
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Bumped by every change of the conversation (the optimistic check of a new turn):
    by :func:`_count_the_change` for changes made through the ORM, by the statement
    itself for Core updates."""


@event.listens_for(ChatSession, "before_update")
def _count_the_change(_mapper: Mapper[Any], _connection: Connection, chat: ChatSession) -> None:
    """Any change to a conversation flushed through the ORM moves its version, so a
    user's turn worked out from the state before it is worked out again, and no code
    path can forget to say so. (Rows changed this way are loaded locked on PostgreSQL.)"""
    if inspect(chat).attrs.version.history.has_changes():
        return  # set explicitly
    session = object_session(chat)
    if session is not None and session.is_modified(chat, include_collections=False):
        chat.version = chat.version + 1
