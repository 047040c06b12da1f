"""Every query on the statistics tables: folding changes in (upserts) and reading ranges.

The upserts are one statement each (``INSERT … ON CONFLICT DO UPDATE``), built once per
dialect; SQLite and PostgreSQL spell them alike. The daily counters (messages, intents)
are not executed by the unit that counts: they go through :mod:`sunsupport.core.tally`,
which writes the increments of a whole commit together. They name no conversation.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Insert, Table, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from sunsupport.core import tally
from sunsupport.models import ConversationDay, ConversationFacts, DailyCounts, DailyIntent

COUNTERS = (
    "user_messages",
    "bot_messages",
    "operator_messages",
    "fallbacks",
    "thumbs_up",
    "thumbs_down",
)
_DAILY = cast(Table, DailyCounts.__table__)
_INTENTS = cast(Table, DailyIntent.__table__)
_DAYS = cast(Table, ConversationDay.__table__)
_FACTS = cast(Table, ConversationFacts.__table__)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


@cache
def _insert(dialect: str, table: Table) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_update``/``…_nothing``."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


@cache
def _add_counts_statement(dialect: str) -> Insert:
    insert = _insert(dialect, _DAILY)
    return cast(
        Insert,
        insert.on_conflict_do_update(
            index_elements=["day", "bucket"],
            set_={name: _DAILY.c[name] + insert.excluded[name] for name in COUNTERS},
        ),
    )


@cache
def _add_intent_statement(dialect: str) -> Insert:
    insert = _insert(dialect, _INTENTS)
    return cast(
        Insert,
        insert.on_conflict_do_update(
            index_elements=["day", "intent"],
            set_={"count": _INTENTS.c.count + insert.excluded["count"]},
        ),
    )


@cache
def _conversation_day_statement(dialect: str) -> Insert:
    return cast(Insert, _insert(dialect, _DAYS).on_conflict_do_nothing())


@cache
def _facts_statement(dialect: str, columns: frozenset[str], keep_first: bool) -> Insert:
    """Set ``columns`` of a conversation's facts; ``keep_first`` keeps values already set."""
    insert = _insert(dialect, _FACTS)
    values = {
        name: func.coalesce(_FACTS.c[name], insert.excluded[name])
        if keep_first
        else insert.excluded[name]
        for name in columns
    }
    return cast(
        Insert, insert.on_conflict_do_update(index_elements=["conversation_id"], set_=values)
    )


_DAILY_COUNTS = tally.Counter("stats_daily", _add_counts_statement, ("day", "bucket"))
_DAILY_INTENTS = tally.Counter("stats_daily_intents", _add_intent_statement, ("day", "intent"))


def add_counts(session: Session, day: date, bucket: int, deltas: dict[str, int]) -> None:
    tally.add(
        session,
        _DAILY_COUNTS,
        {"day": day, "bucket": bucket},
        {**dict.fromkeys(COUNTERS, 0), **deltas},
    )


def add_intent(session: Session, day: date, intent: str) -> None:
    tally.add(session, _DAILY_INTENTS, {"day": day, "intent": intent}, {"count": 1})


def mark_conversation_day(session: Session, day: date, conversation_id: str) -> None:
    """At once, not through the tally: deleting the conversation later in the same batch
    re-keys this row, which it can only do if the row is there."""
    params = {"day": day, "conversation_id": conversation_id}
    session.execute(_conversation_day_statement(_dialect(session)), params)


def uses_row_locks(session: Session) -> bool:
    """Whether concurrent writers wait for each other's row locks (PostgreSQL), rather
    than taking turns through one writer (SQLite)."""
    return _dialect(session) == "postgresql"


def set_facts(
    session: Session, conversation_id: str, values: dict[str, Any], *, keep_first: bool = False
) -> None:
    statement = _facts_statement(_dialect(session), frozenset(values), keep_first)
    session.execute(statement, {"conversation_id": conversation_id, **values})


def rekey_conversations(session: Session, new_ids: dict[str, str]) -> None:
    """Replace conversation ids (old → new) in the per-conversation tables, one statement
    per table."""
    if not new_ids:
        return
    for model in (ConversationDay, ConversationFacts):
        session.execute(
            update(model)
            .where(model.conversation_id.in_(list(new_ids)))
            .values(conversation_id=case(new_ids, value=model.conversation_id))
            .execution_options(synchronize_session=False)
        )


# --- reading ---------------------------------------------------------------------------


def counter_totals(session: Session, first: date, last: date) -> dict[str, int]:
    row = session.execute(
        select(*(func.coalesce(func.sum(_DAILY.c[n]), 0) for n in COUNTERS)).where(
            _DAILY.c.day.between(first, last)
        )
    ).one()
    return {name: int(value) for name, value in zip(COUNTERS, row, strict=True)}


def conversation_figures(session: Session, first: date, last: date) -> tuple[int, int, int, int]:
    """(conversations, handed off, rated, sum of ratings) over the conversations with at
    least one customer message in the range."""
    active = (
        select(_DAYS.c.conversation_id)
        .where(_DAYS.c.day.between(first, last))
        .distinct()
        .subquery()
    )
    query = select(
        func.count(),
        func.count(_FACTS.c.handed_off_at),
        func.count(_FACTS.c.rating),
        func.coalesce(func.sum(_FACTS.c.rating), 0),
    ).select_from(active.outerjoin(_FACTS, _FACTS.c.conversation_id == active.c.conversation_id))
    total, handed_off, rated, rating_sum = session.execute(query).one()
    return int(total), int(handed_off), int(rated), int(rating_sum)


def first_response_seconds(session: Session, start: datetime, end: datetime) -> list[float]:
    """Seconds from asking for a human to the first operator reply, of the conversations
    first answered in the range."""
    rows = session.scalars(
        select(_FACTS.c.first_response_seconds).where(
            _FACTS.c.first_response_at.between(start, end),
            _FACTS.c.first_response_seconds.is_not(None),
        )
    )
    return [float(value) for value in rows.all()]


def top_intents(session: Session, first: date, last: date, limit: int) -> list[tuple[str, int]]:
    total = func.sum(_INTENTS.c.count)
    rows = session.execute(
        select(_INTENTS.c.intent, total)
        .where(_INTENTS.c.day.between(first, last))
        .group_by(_INTENTS.c.intent)
        .order_by(total.desc(), _INTENTS.c.intent)
        .limit(limit)
    )
    return [(intent, int(n)) for intent, n in rows.all()]


def daily_counts(session: Session, first: date, last: date) -> list[tuple[date, int, int]]:
    """(day, all messages, operator messages) per UTC day that had any."""
    everything = _DAILY.c.user_messages + _DAILY.c.bot_messages + _DAILY.c.operator_messages
    rows = session.execute(
        select(_DAILY.c.day, func.sum(everything), func.sum(_DAILY.c.operator_messages))
        .where(_DAILY.c.day.between(first, last))
        .group_by(_DAILY.c.day)
        .order_by(_DAILY.c.day)
    )
    return [(_as_date(d), int(n), int(ops)) for d, n, ops in rows.all() if n]


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
