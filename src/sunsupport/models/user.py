from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sunsupport.db import Base, UTCDateTime
from sunsupport.timeutil import utcnow


class User(Base):
    __tablename__ = "users"
    # AUTOINCREMENT on SQLite: ids are never reused, so a token of a deleted user can never
    # open a newer account that happens to get the same id (the seed's bug).
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(20))
    # Case-folded username: "Ivan" and "ivan" are one account, so nobody can impersonate.
    username_key: Mapped[str] = mapped_column(String(20), unique=True)
    hashed_password: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
