from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sunsupport.core.db import Base, UTCDateTime
from sunsupport.core.timeutil import utcnow
from sunsupport.models.enums import NotificationStatus, sql_in


class Notification(Base):
    """The mail outbox: one row per operator reply that may need an email, written in the
    reply's own unit of work (so a crash after the commit loses none) and sent later by
    a mail worker (so no request waits for SMTP)."""

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_in(NotificationStatus)})", name="status_valid"),
        Index("ix_notifications_status_due_at", "status", "due_at"),
        Index("ix_notifications_session_id_status", "session_id", "status"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    """Not before: the owner must have been away this long (and, after a sent email, the
    batching window must have passed)."""
    status: Mapped[str] = mapped_column(
        String(16), default=NotificationStatus.PENDING, server_default=NotificationStatus.PENDING
    )
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """A worker's lease: others leave the row alone until then (a worker that dies lets
    the lease run out, and another one sends it)."""
    claim: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
