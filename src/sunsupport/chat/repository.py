"""Every query on conversations and messages (sync functions over a Session).

The message path (read a conversation, advance it, insert the turn) uses statements built
once, with bound parameters: SQLAlchemy compiles each only once, which matters on the
hot path. The rest uses the ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, Update, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from sunsupport.models import ChatSession, Message

# Core statements on the tables (not the ORM classes): the ORM's bulk machinery costs more
# than the insert itself.
_MESSAGES = cast(Table, Message.__table__)
_SESSIONS = cast(Table, ChatSession.__table__)
_SESSION_BY_ID = select(_SESSIONS).where(_SESSIONS.c.id == bindparam("sid"))
_MESSAGE_IDS = insert(_MESSAGES).returning(_MESSAGES.c.id)
_MESSAGE_IDS_IN_ORDER = insert(_MESSAGES).returning(_MESSAGES.c.id, sort_by_parameter_order=True)


def get_session(
    session: Session, session_id: str, *, for_update: bool = False
) -> ChatSession | None:
    """The conversation; ``for_update`` locks its row until the unit ends (PostgreSQL), so
    a read-check-write on it is not interleaved with another process's."""
    return session.get(ChatSession, session_id, with_for_update=for_update or None)


def session_snapshot(session: Session, session_id: str) -> ChatSession | None:
    """The conversation as it is now, for reading only: a plain object not tied to the
    session (loaded with a prepared statement, cheaper than an ORM load)."""
    row = session.execute(_SESSION_BY_ID, {"sid": session_id}).first()
    return ChatSession(**row._mapping) if row is not None else None


def session_copy(chat: ChatSession) -> ChatSession:
    """A plain copy of a snapshot, to change without touching the original."""
    return ChatSession(**{column.name: getattr(chat, column.name) for column in _SESSIONS.c})


def add_session(session: Session, chat: ChatSession) -> ChatSession:
    session.add(chat)
    session.flush()
    return chat


def newest_empty_session(session: Session, user_id: int) -> ChatSession | None:
    """The user's most recently started conversation without a single message (its start,
    not the list's order by activity: an empty chat's activity is its start anyway)."""
    has_messages = select(Message.id).where(Message.session_id == ChatSession.id).exists()
    query = (
        select(ChatSession)
        .where(
            ChatSession.user_id == user_id,
            ChatSession.last_message_at.is_(None),
            ~has_messages,
        )
        .order_by(ChatSession.created_date.desc(), ChatSession.id.desc())
        .limit(1)
        .with_for_update()
    )
    return session.scalar(query)


def list_sessions(
    session: Session, user_id: int, limit: int, offset: int
) -> list[tuple[ChatSession, int]]:
    """The user's conversations by last activity, newest first, each with its unread
    count: operator replies after the newest message its owner has seen (one indexed count
    per row).

    Activity is the last message's time, or the start for a chat without messages: the
    list shows that time, and a chat written in comes to the top. Ties go by id, so a page
    at ``offset`` is well defined. No index covers this order; the user's rows are found
    by ``ix_sessions_user_id_created_date`` and sorted, a few hundred at most per user."""
    activity = func.coalesce(ChatSession.last_message_at, ChatSession.created_date)
    query = (
        select(ChatSession, _unread_count())
        .where(ChatSession.user_id == user_id)
        .order_by(activity.desc(), ChatSession.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [(chat, int(unread or 0)) for chat, unread in session.execute(query).all()]


UNREAD_SENDERS = ("operator", "system")
"""What counts as unread: a human's reply and the handover notes; not the bot's answers,
which come while the person is there."""


def _unread_count() -> Any:
    return (
        select(func.count(Message.id))
        .where(
            Message.session_id == ChatSession.id,
            Message.id > func.coalesce(ChatSession.read_message_id, 0),
            Message.sender_type.in_(UNREAD_SENDERS),
        )
        .correlate(ChatSession)
        .scalar_subquery()
    )


def mark_read(session: Session, session_id: str) -> int | None:
    """Everything in the conversation is seen: move its read mark to its newest message
    (never backwards). The mark, or None for an empty conversation."""
    newest = session.scalar(select(func.max(Message.id)).where(Message.session_id == session_id))
    if newest is None:
        return None
    session.execute(
        update(_SESSIONS)
        .where(
            _SESSIONS.c.id == session_id,
            func.coalesce(_SESSIONS.c.read_message_id, 0) < newest,
        )
        .values(read_message_id=newest)
    )
    return int(newest)


def advance(session: Session, session_id: str, seen_version: int, values: dict[str, Any]) -> bool:
    """Apply ``values`` to the conversation and bump its version, only if it is still at
    ``seen_version``: False means someone changed it since it was read. On PostgreSQL the
    row stays locked until the unit ends, so the turn's messages get their ids in the
    order the turns commit."""
    statement = _advance_statement(frozenset(values))
    params = {"sid": session_id, "seen": seen_version, **{f"v_{k}": v for k, v in values.items()}}
    result = session.execute(statement, params)
    return bool(getattr(result, "rowcount", 0) == 1)


@cache
def _advance_statement(columns: frozenset[str]) -> Update:
    return (
        update(_SESSIONS)
        .where(_SESSIONS.c.id == bindparam("sid"), _SESSIONS.c.version == bindparam("seen"))
        .values(version=_SESSIONS.c.version + 1, **{c: bindparam(f"v_{c}") for c in columns})
    )


def add_messages(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert messages in order; their ids, in the same order.

    PostgreSQL: SQLAlchemy's ordered form (one ``INSERT … SELECT … ORDER BY`` statement).
    SQLite: that form runs one statement per row, so the rows go as one ``INSERT … VALUES
    (…), (…) RETURNING id``; with one writer and AUTOINCREMENT, SQLite numbers the rows
    in the order of the VALUES list, so the sorted ids are the rows' ids in order."""
    if session.get_bind().dialect.name == "postgresql":
        ids = list(session.execute(_MESSAGE_IDS_IN_ORDER, rows).scalars().all())
    else:
        ids = sorted(session.execute(_MESSAGE_IDS, rows).scalars().all())
    if len(ids) != len(rows):
        raise RuntimeError(f"inserted {len(rows)} messages, got {len(ids)} ids")
    return ids


def add_message(session: Session, message: Message) -> Message:
    session.add(message)
    session.flush()
    return message


def history(session: Session, session_id: str, limit: int, before_id: int | None) -> list[Message]:
    """The ``limit`` newest messages older than ``before_id``, oldest first."""
    query = select(Message).where(Message.session_id == session_id)
    if before_id is not None:
        query = query.where(Message.id < before_id)
    query = query.order_by(Message.id.desc()).limit(limit)
    rows = list(session.scalars(query).all())
    rows.reverse()
    return rows


def delete_messages(session: Session, session_id: str) -> None:
    session.execute(delete(Message).where(Message.session_id == session_id))


def get_message(session: Session, message_id: int) -> Message | None:
    return session.get(Message, message_id)


def previous_user_message(session: Session, session_id: str, before_id: int) -> Message | None:
    query = (
        select(Message)
        .where(
            Message.session_id == session_id,
            Message.sender_type == "user",
            Message.id < before_id,
        )
        .order_by(Message.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def messages_after(
    session: Session, session_id: str, after_id: int, limit: int
) -> Sequence[Message]:
    query = (
        select(Message)
        .where(Message.session_id == session_id, Message.id > after_id)
        .order_by(Message.id)
        .limit(limit)
    )
    return session.scalars(query).all()


def messages_after_in(
    session: Session, session_ids: Sequence[str], after_id: int, limit: int
) -> Sequence[Message]:
    if not session_ids or after_id <= 0:
        return []
    query = (
        select(Message)
        .where(Message.session_id.in_(session_ids), Message.id > after_id)
        .order_by(Message.id)
        .limit(limit)
    )
    return session.scalars(query).all()


def session_ids_of(session: Session, user_id: int) -> list[str]:
    query = select(ChatSession.id).where(ChatSession.user_id == user_id)
    return list(session.scalars(query).all())


def sessions_of(session: Session, user_id: int) -> Sequence[ChatSession]:
    query = (
        select(ChatSession)
        .where(ChatSession.user_id == user_id)
        .order_by(ChatSession.created_date, ChatSession.id)
    )
    return session.scalars(query).all()


def messages_of(session: Session, user_id: int) -> Sequence[Message]:
    """Every message in the user's conversations, in sending order."""
    query = (
        select(Message)
        .join(ChatSession, ChatSession.id == Message.session_id)
        .where(ChatSession.user_id == user_id)
        .order_by(Message.id)
    )
    return session.scalars(query).all()


def stale_session_ids(session: Session, cutoff: datetime, limit: int) -> list[str]:
    """Conversations whose last message (or, with none, whose start) is before ``cutoff``."""
    last = func.coalesce(ChatSession.last_message_at, ChatSession.created_date)
    query = select(ChatSession.id).where(last < cutoff).order_by(ChatSession.id).limit(limit)
    return list(session.scalars(query).all())


def delete_sessions(session: Session, session_ids: Sequence[str]) -> tuple[int, int]:
    """Delete conversations and their messages; how many of each went."""
    if not session_ids:
        return 0, 0
    messages = session.execute(delete(Message).where(Message.session_id.in_(session_ids)))
    chats = session.execute(delete(ChatSession).where(ChatSession.id.in_(session_ids)))
    return int(getattr(chats, "rowcount", 0) or 0), int(getattr(messages, "rowcount", 0) or 0)


def count_stale(session: Session, cutoff: datetime) -> tuple[int, int]:
    """How many conversations :func:`stale_session_ids` would name, and their messages."""
    last = func.coalesce(ChatSession.last_message_at, ChatSession.created_date)
    stale = select(ChatSession.id).where(last < cutoff)
    chats = session.scalar(select(func.count()).select_from(stale.subquery()))
    messages = session.scalar(
        select(func.count()).select_from(Message).where(Message.session_id.in_(stale))
    )
    return int(chats or 0), int(messages or 0)


class Said(NamedTuple):
    """An earlier message as the review of answers reads it: no more than it compares."""

    id: int
    sender_type: str
    text: str
    intent: str | None
    confidence: float | None


_RECENT = (
    select(
        _MESSAGES.c.id,
        _MESSAGES.c.sender_type,
        _MESSAGES.c.text,
        _MESSAGES.c.intent,
        _MESSAGES.c.confidence,
    )
    .where(_MESSAGES.c.session_id == bindparam("sid"))
    .order_by(_MESSAGES.c.id.desc())
    .limit(bindparam("count"))
)


def recent_exchanges(
    session: Session, session_id: str, answers: int
) -> list[tuple[Said | None, Said]]:
    """The last ``answers`` bot answers, each with the user message it answered (None
    when there is none), newest first. Read on every turn, so only the columns compared
    (no dates or JSON to convert)."""
    params = {"sid": session_id, "count": answers * 3 + 1}
    recent = [Said(*row) for row in session.execute(_RECENT, params)]
    pairs: list[tuple[Said | None, Said]] = []
    for position, message in enumerate(recent):
        if message.sender_type != "bot":
            continue
        question = next(
            (m for m in recent[position + 1 :] if m.sender_type in ("user", "bot")), None
        )
        pairs.append((question if question and question.sender_type == "user" else None, message))
        if len(pairs) == answers:
            break
    return pairs


def guesses_of(session: Session, message_id: int) -> list[dict[str, Any]] | None:
    """The bot's top readings stored with an answer."""
    return session.scalar(select(Message.guesses).where(Message.id == message_id))


def with_status_in(
    session: Session, session_ids: Sequence[str], statuses: Sequence[str]
) -> Sequence[ChatSession]:
    if not session_ids:
        return []
    query = select(ChatSession).where(
        ChatSession.id.in_(session_ids), ChatSession.status.in_(statuses)
    )
    return session.scalars(query).all()
