from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sunsupport.core.db import Base, UTCDateTime
from sunsupport.core.timeutil import utcnow
from sunsupport.models.enums import InboxReason, InboxStatus, sql_in


class MisunderstoodItem(Base):
    """A user message the bot did not handle well: for admins to teach the bot."""

    __tablename__ = "misunderstood"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_in(InboxStatus)})", name="status_valid"),
        CheckConstraint(f"reason IN ({sql_in(InboxReason)})", name="reason_valid"),
        Index("ix_misunderstood_status_id", "status", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The inbox outlives a cleared history: links become NULL, the text stays.
    session_id: Mapped[str | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), index=True
    )
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL"), index=True
    )
    answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(16))
    intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    guesses: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(
        String(16), default=InboxStatus.NEW, server_default=InboxStatus.NEW
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class KbExample(Base):
    """A phrasing an admin taught the bot; applied on top of the knowledge base file."""

    __tablename__ = "kb_examples"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intent: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
