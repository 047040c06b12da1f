from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sunsupport.core.db import Base, UTCDateTime
from sunsupport.core.timeutil import utcnow


class AuditEntry(Base):
    """One staff action (or a purge), written in the unit of work of the action itself.

    ``actor_id`` is a plain id, not a foreign key: ids are never reused, and an entry must
    outlive the account that made it; the username is looked up when the log is read.
    """

    __tablename__ = "audit_log"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    """NULL: the system (a scheduled purge) or the command line."""
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(128))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class TaskLease(Base):
    """A periodic task's next run: the process whose conditional UPDATE moves ``due_at``
    forward runs it, so it runs once however many workers and servers there are."""

    __tablename__ = "task_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    holder: Mapped[str | None] = mapped_column(String(128))
