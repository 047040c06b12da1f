from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from sunsupport.core.db import Base, UTCDateTime
from sunsupport.core.timeutil import utcnow

SENDER_TYPES = ("user", "bot", "operator", "system")

SYSTEM_EVENTS = ("claimed", "released", "resolved")
"""What a ``system`` message records: an operator joined, gave the chat back, closed it."""


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint(
            "sender_type IN ('user', 'bot', 'operator', 'system')", name="sender_type_valid"
        ),
        Index("ix_messages_session_id_id", "session_id", "id"),
        CheckConstraint("feedback IS NULL OR feedback IN (-1, 1)", name="feedback_valid"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    sender_type: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    """The operator who wrote an operator message."""
    author_name: Mapped[str | None] = mapped_column(String(64))
    """The name the customer saw on an operator message or a system note, as it was then."""
    event: Mapped[str | None] = mapped_column(String(16))
    """On a ``system`` message: which change of hands it records (:data:`SYSTEM_EVENTS`)."""
    feedback: Mapped[int | None] = mapped_column(SmallInteger)
    """The user's 👍 (1) or 👎 (-1) on a bot answer."""
    guesses: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    """On a bot answer: its top readings, for the inbox when the answer gets a 👎."""
    suggestions: Mapped[list[str] | None] = mapped_column(JSON)
    """On a bot answer: the quick replies offered with it (a reloaded page shows them
    again); None when it offered none."""
