"""Support statistics over a time range."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from sunsupport.core.errors import Unprocessable
from sunsupport.stats import repository

TOP_INTENTS = 10
DEFAULT_RANGE = timedelta(days=30)
MAX_RANGE = timedelta(days=366)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


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


def date_range(
    start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    """The range asked for (naive times are UTC); default: the 30 days up to ``now``."""
    for value in (start, end):
        if value is not None and not EARLIEST <= _aware(value) <= LATEST:
            raise Unprocessable("Dates must be between 2000-01-01 and 2200-01-01")
    end = _aware(end) if end else now
    start = _aware(start) if start else end - DEFAULT_RANGE
    if start > end:
        raise Unprocessable("'from' must not be after 'to'")
    if end - start > MAX_RANGE:
        raise Unprocessable("The range may span at most 366 days")
    return start, end


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def compute(session: Session, start: datetime, end: datetime) -> Stats:
    """Every figure, in one read unit (so they agree with each other)."""
    stats = Stats()
    counts = repository.messages_by_sender(session, start, end)
    stats.user_messages = counts.get("user", 0)
    stats.bot_messages = counts.get("bot", 0)
    stats.operator_messages = counts.get("operator", 0)
    stats.messages = sum(counts.values())

    fallbacks, stats.thumbs_up, stats.thumbs_down = repository.bot_answer_figures(
        session, start, end
    )
    stats.fallback_rate = _ratio(fallbacks, stats.bot_messages)

    total, handed_off, rated, rating_sum = repository.conversation_figures(session, start, end)
    stats.conversations = total
    stats.handoff_rate = _ratio(handed_off, total)
    stats.self_service_rate = _ratio(total - handed_off, total)
    stats.ratings = rated
    stats.average_rating = round(rating_sum / rated, 2) if rated else None

    seconds = [
        (answered - waited).total_seconds()
        for waited, answered in repository.first_response_waits(session, start, end)
        if answered >= waited
    ]
    stats.median_first_response_seconds = round(statistics.median(seconds), 1) if seconds else None

    stats.top_intents = repository.top_intents(session, start, end, TOP_INTENTS)
    stats.daily = repository.daily_counts(session, start, end)
    return stats


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
