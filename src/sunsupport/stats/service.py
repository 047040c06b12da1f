"""Support statistics over a time range."""

from __future__ import annotations

import statistics
import uuid
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial

from sqlalchemy.orm import Session

from sunsupport.core.errors import Unprocessable
from sunsupport.core.uow import on_commit
from sunsupport.models import STATS_BUCKETS
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
    """Every figure, in one read unit (so they agree with each other). Counts are read
    from the daily aggregates of the UTC days the range touches."""
    first, last = _aware(start).astimezone(UTC).date(), _aware(end).astimezone(UTC).date()
    stats = Stats()
    counts = repository.counter_totals(session, first, last)
    stats.user_messages = counts["user_messages"]
    stats.bot_messages = counts["bot_messages"]
    stats.operator_messages = counts["operator_messages"]
    stats.messages = stats.user_messages + stats.bot_messages + stats.operator_messages
    stats.thumbs_up, stats.thumbs_down = counts["thumbs_up"], counts["thumbs_down"]
    stats.fallback_rate = _ratio(counts["fallbacks"], stats.bot_messages)

    total, handed_off, rated, rating_sum = repository.conversation_figures(session, first, last)
    stats.conversations = total
    stats.handoff_rate = _ratio(handed_off, total)
    stats.self_service_rate = _ratio(total - handed_off, total)
    stats.ratings = rated
    stats.average_rating = round(rating_sum / rated, 2) if rated else None

    seconds = repository.first_response_seconds(session, start, end)
    stats.median_first_response_seconds = round(statistics.median(seconds), 1) if seconds else None

    stats.top_intents = repository.top_intents(session, first, last, TOP_INTENTS)
    stats.daily = repository.daily_counts(session, first, last)
    return stats


# --- folding what happens into the aggregates (inside the unit of work that does it) ---


def _day(at: datetime) -> date:
    return _aware(at).astimezone(UTC).date()


def _bucket(session: Session, conversation_id: str) -> int:
    """The row of the day's counters this conversation adds to: spread on PostgreSQL (row
    locks), one row on SQLite, where writes take turns and fewer rows mean fewer upserts."""
    if not repository.uses_row_locks(session):
        return 0
    return zlib.crc32(conversation_id.encode()) % STATS_BUCKETS


MARKED_DAYS = 50_000
"""Conversation days this process remembers having marked (most recent kept)."""
_marked: OrderedDict[tuple[date, str], None] = OrderedDict()


def _mark_active(session: Session, day: date, conversation_id: str) -> None:
    """The conversation had a customer message on ``day``: one row per conversation and
    day, so after its first turn of the day the insert (a no-op) is skipped. The mark is
    remembered only once committed; the id of a deleted conversation is never reused."""
    key = (day, conversation_id)
    if key in _marked:
        return
    repository.mark_conversation_day(session, day, conversation_id)
    on_commit(session, partial(_remember_mark, key))


def _remember_mark(key: tuple[date, str]) -> None:
    _marked[key] = None
    while len(_marked) > MARKED_DAYS:
        _marked.popitem(last=False)


def count_turn(
    session: Session,
    conversation_id: str,
    sent_at: datetime,
    answer: tuple[datetime, str, bool] | None,
) -> None:
    """A customer message and, if the bot answered, ``(answered_at, intent, fallback)``."""
    bucket = _bucket(session, conversation_id)
    day = _day(sent_at)
    _mark_active(session, day, conversation_id)
    if answer is None:
        repository.add_counts(session, day, bucket, {"user_messages": 1})
        return
    answered_at, intent, fallback = answer
    if _day(answered_at) == day:
        repository.add_counts(
            session,
            day,
            bucket,
            {"user_messages": 1, "bot_messages": 1, "fallbacks": int(fallback)},
        )
    else:  # the answer came after midnight
        repository.add_counts(session, day, bucket, {"user_messages": 1})
        repository.add_counts(
            session, _day(answered_at), bucket, {"bot_messages": 1, "fallbacks": int(fallback)}
        )
    repository.add_intent(session, _day(answered_at), intent)


def count_handoff(session: Session, conversation_id: str, at: datetime) -> None:
    """The customer asked for a human (only the first time counts)."""
    repository.set_facts(session, conversation_id, {"handed_off_at": at}, keep_first=True)


def count_operator_reply(
    session: Session, conversation_id: str, at: datetime, waiting_since: datetime | None
) -> None:
    """An operator's message; the first one after a handoff also times the response."""
    repository.add_counts(
        session, _day(at), _bucket(session, conversation_id), {"operator_messages": 1}
    )
    if waiting_since is not None:
        seconds = max(0.0, (at - waiting_since).total_seconds())
        values = {"first_response_at": at, "first_response_seconds": seconds}
        repository.set_facts(session, conversation_id, values)


def count_feedback(
    session: Session, conversation_id: str, answered_at: datetime, old: int | None, new: int
) -> None:
    """👍/👎 on an answer (counted on the answer's day); changing one's mind moves it."""
    if old == new:
        return
    deltas = {"thumbs_up" if new > 0 else "thumbs_down": 1}
    if old is not None:
        deltas["thumbs_up" if old > 0 else "thumbs_down"] = -1
    repository.add_counts(session, _day(answered_at), _bucket(session, conversation_id), deltas)


def count_rating(session: Session, conversation_id: str, rating: int) -> None:
    repository.set_facts(session, conversation_id, {"rating": rating})


def unlink_conversations(session: Session, conversation_ids: Sequence[str]) -> None:
    """The conversations were deleted: their figures stay, under new random ids, so
    nothing left in the statistics can be matched to the deleted conversations (whose
    ids the user, or anyone who saw them, may know)."""
    repository.rekey_conversations(session, {old: str(uuid.uuid4()) for old in conversation_ids})


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
