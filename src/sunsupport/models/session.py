from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from sunsupport.db import Base, UTCDateTime
from sunsupport.timeutil import utcnow


class ChatSession(Base):
    __tablename__ = "sessions"
    __table_args__ = (Index("ix_sessions_user_id_created_date", "user_id", "created_date"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_date: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    title: Mapped[str | None] = mapped_column(String(80))
    bot_state: Mapped[dict[str, Any] | None] = mapped_column(JSON)
