"""Support statistics over a time range."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from sunsupport.bot import FALLBACK
from sunsupport.models import ChatSession, Message

TOP_INTENTS = 10


@dataclass
class Stats:
    conversations: int = 0
    messages: int = 0
    user_messages: int = 0
    bot_messages: int = 0
    operator_messages: int = 0
    fallback_rate: float | None = None
    handoff_rate: float | None = None
    self_service_rate: float | None = None
    median_first_response_seconds: float | None = None
    thumbs_up: int = 0
    thumbs_down: int = 0
    average_rating: float | None = None
    ratings: int = 0
    top_intents: list[tuple[str, int]] = field(default_factory=list)
    daily: list[tuple[date, int, int]] = field(default_factory=list)
    """(day, all messages, operator messages) for the chart."""


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


async def compute(session: AsyncSession, start: datetime, end: datetime) -> Stats:
    stats = Stats()
    in_range = Message.sent_at.between(start, end)
    by_sender = await session.execute(
        select(Message.sender_type, func.count()).where(in_range).group_by(Message.sender_type)
    )
    counts = dict(by_sender.all())
    stats.user_messages = counts.get("user", 0)
    stats.bot_messages = counts.get("bot", 0)
    stats.operator_messages = counts.get("operator", 0)
    stats.messages = sum(counts.values())

    bot_rows = select(Message).where(in_range, Message.sender_type == "bot").subquery()
    fallbacks, ups, downs = (
        await session.execute(
            select(
                func.count().filter(bot_rows.c.intent == FALLBACK),
                func.count().filter(bot_rows.c.feedback == 1),
                func.count().filter(bot_rows.c.feedback == -1),
            )
        )
    ).one()
    stats.fallback_rate = _ratio(fallbacks, stats.bot_messages)
    stats.thumbs_up, stats.thumbs_down = ups, downs

    # Conversations: sessions with at least one user message in the range.
    active = (
        select(Message.session_id)
        .where(in_range, Message.sender_type == "user")
        .distinct()
        .subquery()
    )
    conversations = select(ChatSession).join(active, active.c.session_id == ChatSession.id)
    conv = conversations.subquery()
    total, handed_off, rated, rating_sum = (
        await session.execute(
            select(
                func.count(),
                func.count(conv.c.handed_off_at),
                func.count(conv.c.rating),
                func.coalesce(func.sum(conv.c.rating), 0),
            )
        )
    ).one()
    stats.conversations = total
    stats.handoff_rate = _ratio(handed_off, total)
    stats.self_service_rate = _ratio(total - handed_off, total)
    stats.ratings = rated
    stats.average_rating = round(rating_sum / rated, 2) if rated else None

    waits = await session.execute(
        select(ChatSession.waiting_since, ChatSession.first_response_at).where(
            ChatSession.first_response_at.between(start, end),
            ChatSession.waiting_since.is_not(None),
        )
    )
    seconds = [
        (answered - waited).total_seconds()
        for waited, answered in waits.all()
        if answered >= waited
    ]
    stats.median_first_response_seconds = round(statistics.median(seconds), 1) if seconds else None

    top = await session.execute(
        select(Message.intent, func.count().label("n"))
        .where(in_range, Message.sender_type == "bot", Message.intent.is_not(None))
        .group_by(Message.intent)
        .order_by(func.count().desc(), Message.intent)
        .limit(TOP_INTENTS)
    )
    stats.top_intents = [(intent, n) for intent, n in top.all()]

    # SQLite stores datetimes as text (CAST AS DATE would give the year); date() works on
    # both, and PostgreSQL sessions run in UTC (see db.py).
    day = func.date(Message.sent_at)
    daily = await session.execute(
        select(
            day,
            func.count(),
            func.count(case((Message.sender_type == "operator", 1))),
        )
        .where(in_range)
        .group_by(day)
        .order_by(day)
    )
    stats.daily = [(_as_date(d), n, ops) for d, n, ops in daily.all()]
    return stats


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
