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
    """Taught: the text became an example of an intent."""
    DISMISSED = "dismissed"
    CONFIRMED = "confirmed"
    """Reviewed: the bot's answer was right."""


class InboxReason(StrEnum):
    FALLBACK = "fallback"
    LOW_CONFIDENCE = "low_confidence"
    DOWNVOTE = "downvote"
    ASKED_HUMAN = "asked_human"
    """A confident answer followed by a request for a human within two turns."""
    REPHRASED = "rephrased"
    """A confident answer followed by the same question again within two turns."""
    SAMPLED = "sampled"
    """A confident answer picked at random for review (REVIEW_SAMPLE_RATE)."""


STAFF_ROLES = frozenset({Role.OPERATOR, Role.ADMIN})


def sql_in(values: type[StrEnum]) -> str:
    """A CHECK constraint body listing an enum's values."""
    return ", ".join(f"'{member.value}'" for member in values)
