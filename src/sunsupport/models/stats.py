"""Daily aggregates behind the admin statistics.

They are folded in the same unit of work as the change they count and hold no text and
no link to a conversation row (a conversation id is kept as a plain key), so clearing or
deleting a chat never rewrites history.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sunsupport.core.db import Base, UTCDateTime

STATS_BUCKETS = 8
"""On PostgreSQL each day's counters are spread over this many rows (by conversation),
so concurrent turns of different conversations rarely wait for the same row lock. On
SQLite, where writes take turns, they use one row a day."""


class DailyCounts(Base):
    """Message counts and feedback of one UTC day (one of its buckets)."""

    __tablename__ = "stats_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    user_messages: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    bot_messages: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    operator_messages: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    fallbacks: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    thumbs_up: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    thumbs_down: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class DailyIntent(Base):
    """How often the bot answered with an intent on one UTC day."""

    __tablename__ = "stats_daily_intents"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    intent: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ConversationDay(Base):
    """A conversation had at least one customer message on this UTC day."""

    __tablename__ = "stats_conversation_days"
    # Deleting conversations re-keys their rows (privacy): found by id, not by a scan.
    __table_args__ = (Index("ix_stats_conversation_days_conversation_id", "conversation_id"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(36), primary_key=True)


class ConversationFacts(Base):
    """What the statistics need to know about a conversation, outliving it."""

    __tablename__ = "stats_conversations"

    conversation_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    handed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rating: Mapped[int | None] = mapped_column(Integer)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    first_response_seconds: Mapped[float | None] = mapped_column(Float)
