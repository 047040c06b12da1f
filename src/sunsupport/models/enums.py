from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    USER = "user"
    OPERATOR = "operator"
    ADMIN = "admin"
    VISITOR = "visitor"
    """Someone chatting from the widget without registering: no password, a long token."""


class SessionStatus(StrEnum):
    BOT = "bot"
    """The bot answers."""
    PENDING_HUMAN = "pending_human"
    """Waiting in the operators' queue; the bot stays silent."""
    OPEN = "open"
    """An operator (the assignee) has the conversation."""
    RESOLVED = "resolved"


class NotificationStatus(StrEnum):
    PENDING = "pending"
    """Waiting to be due, or claimed by a mail worker that is sending it."""
    SENT = "sent"
    SKIPPED = "skipped"
    """Not needed after all: read meanwhile, no email, or mail switched off."""
    FAILED = "failed"
    """Given up after every retry."""


class InboxStatus(StrEnum):
    NEW = "new"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


class InboxReason(StrEnum):
    FALLBACK = "fallback"
    LOW_CONFIDENCE = "low_confidence"
    DOWNVOTE = "downvote"


STAFF_ROLES = frozenset({Role.OPERATOR, Role.ADMIN})


def sql_in(values: type[StrEnum]) -> str:
    """A CHECK constraint body listing an enum's values."""
    return ", ".join(f"'{member.value}'" for member in values)
