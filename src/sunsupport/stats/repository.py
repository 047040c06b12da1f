"""The statistics queries: each one aggregate over messages or conversations in a range."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from sunsupport.bot import FALLBACK
from sunsupport.models import ChatSession, Message


def _in_range(start: datetime, end: datetime) -> ColumnElement[bool]:
    return Message.sent_at.between(start, end)


def messages_by_sender(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    rows = session.execute(
        select(Message.sender_type, func.count())
        .where(_in_range(start, end))
        .group_by(Message.sender_type)
    )
    return {sender: count for sender, count in rows.all()}


def bot_answer_figures(session: Session, start: datetime, end: datetime) -> tuple[int, int, int]:
    """(fallbacks, 👍, 👎) among the bot's answers."""
    bot_rows = select(Message).where(_in_range(start, end), Message.sender_type == "bot").subquery()
    fallbacks, ups, downs = (
        session.execute(
            select(
                func.count().filter(bot_rows.c.intent == FALLBACK),
                func.count().filter(bot_rows.c.feedback == 1),
                func.count().filter(bot_rows.c.feedback == -1),
            )
        )
    ).one()
    return fallbacks, ups, downs


def conversation_figures(
    session: Session, start: datetime, end: datetime
) -> tuple[int, int, int, int]:
    """(conversations, handed off, rated, sum of ratings) over the conversations with at
    least one user message in the range."""
    active = (
        select(Message.session_id)
        .where(_in_range(start, end), Message.sender_type == "user")
        .distinct()
        .subquery()
    )
    conv = select(ChatSession).join(active, active.c.session_id == ChatSession.id).subquery()
    total, handed_off, rated, rating_sum = (
        session.execute(
            select(
                func.count(),
                func.count(conv.c.handed_off_at),
                func.count(conv.c.rating),
                func.coalesce(func.sum(conv.c.rating), 0),
            )
        )
    ).one()
    return total, handed_off, rated, rating_sum


def first_response_waits(
    session: Session, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """(asked for a human, first operator reply) of conversations answered in the range."""
    rows = session.execute(
        select(ChatSession.waiting_since, ChatSession.first_response_at).where(
            ChatSession.first_response_at.between(start, end),
            ChatSession.waiting_since.is_not(None),
        )
    )
    # Both columns are nullable, but the WHERE clause already leaves out NULLs.
    return [
        (waited, answered)
        for waited, answered in rows.all()
        if waited is not None and answered is not None
    ]


def top_intents(
    session: Session, start: datetime, end: datetime, limit: int
) -> list[tuple[str, int]]:
    rows = session.execute(
        select(Message.intent, func.count().label("n"))
        .where(_in_range(start, end), Message.sender_type == "bot", Message.intent.is_not(None))
        .group_by(Message.intent)
        .order_by(func.count().desc(), Message.intent)
        .limit(limit)
    )
    return [(intent, n) for intent, n in rows.all() if intent is not None]  # NULLs left out above


def daily_counts(session: Session, start: datetime, end: datetime) -> list[tuple[date, int, int]]:
    """(day, all messages, operator messages) per UTC day."""
    # SQLite stores datetimes as text (CAST AS DATE would give the year); date() works on
    # both, and PostgreSQL sessions run in UTC (see core/db.py).
    day = func.date(Message.sent_at)
    rows = session.execute(
        select(day, func.count(), func.count(case((Message.sender_type == "operator", 1))))
        .where(_in_range(start, end))
        .group_by(day)
        .order_by(day)
    )
    return [(_as_date(d), n, ops) for d, n, ops in rows.all()]


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
