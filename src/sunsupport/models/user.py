from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sunsupport.core.db import Base, UTCDateTime
from sunsupport.core.timeutil import utcnow
from sunsupport.models.enums import STAFF_ROLES, Role, sql_in


class User(Base):
    __tablename__ = "users"
    # AUTOINCREMENT on SQLite: ids are never reused, so a token of a deleted user can never
    # open a newer account that happens to get the same id (the seed's bug).
    __table_args__ = (
        CheckConstraint(f"role IN ({sql_in(Role)})", name="role_valid"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(20))
    # Case-folded username: "Ivan" and "ivan" are one account, so nobody can impersonate.
    username_key: Mapped[str] = mapped_column(String(20), unique=True)
    # The TS #39 skeleton (core/usernames.py): names that look alike cannot both exist.
    # NULL only for old accounts whose skeleton collided when it was introduced.
    username_skeleton: Mapped[str | None] = mapped_column(String(255), unique=True)
    hashed_password: Mapped[str | None] = mapped_column(String(255))
    """None for a visitor: nobody can log in to a visitor account, only hold its token."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    display_name: Mapped[str | None] = mapped_column(String(64))
    """The name people see (else the username): staff on replies and handover notes,
    customers in the console (a visitor's is generated: «Гость 4821»)."""
    role: Mapped[str] = mapped_column(String(16), default=Role.USER, server_default=Role.USER)
    last_active_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """Staff only: when the operator last used the console (decides "on the way" vs "queued")."""
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Carried by every token as ``tv``; bumping it revokes every token issued before."""
    email: Mapped[str | None] = mapped_column(String(254))
    """Where "an operator replied" emails go; none, no email."""
    live_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """Until when the person counts as connected: open live connections keep pushing it
    forward, in every process, so "away" is a fact of the database, not of one process."""

    @property
    def is_visitor(self) -> bool:
        return self.role == Role.VISITOR

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES
