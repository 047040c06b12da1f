"""Every query on the mail outbox and on presence (sync functions over a Session)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import CursorResult, Table, func, or_, select, update
from sqlalchemy.orm import Session

from sunsupport.models import ChatSession, Message, Notification, NotificationStatus, User

_NOTIFICATIONS = cast(Table, Notification.__table__)
PENDING = NotificationStatus.PENDING


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: int
    name: str
    email: str | None
    live_until: datetime | None
    visitor: bool
    token_version: int


def add(
    session: Session, user_id: int, session_id: str, message_id: int, now: datetime, due: datetime
) -> None:
    session.add(
        Notification(
            user_id=user_id,
            session_id=session_id,
            message_id=message_id,
            created_at=now,
            due_at=due,
            status=PENDING,
        )
    )


def owner_email(session: Session, user_id: int) -> str | None:
    return session.scalar(select(User.email).where(User.id == user_id))


def due_conversations(session: Session, now: datetime, limit: int) -> list[str]:
    """Conversations with a pending notification that is due and not leased, most
    overdue first."""
    query = (
        select(Notification.session_id, func.min(Notification.due_at).label("due"))
        .where(
            Notification.status == PENDING,
            Notification.due_at <= now,
            or_(Notification.claimed_until.is_(None), Notification.claimed_until < now),
        )
        .group_by(Notification.session_id)
        .order_by("due")
        .limit(limit)
    )
    return [row.session_id for row in session.execute(query)]


def claim(
    session: Session, session_id: str, token: str, now: datetime, lease_until: datetime
) -> list[Notification]:
    """Lease every pending, unleased notification of the conversation to ``token``: a
    conditional UPDATE, so of several workers (processes, servers) racing for the same
    rows exactly one gets each. The rows leased, oldest first."""
    result = session.execute(
        update(_NOTIFICATIONS)
        .where(
            _NOTIFICATIONS.c.session_id == session_id,
            _NOTIFICATIONS.c.status == PENDING,
            or_(_NOTIFICATIONS.c.claimed_until.is_(None), _NOTIFICATIONS.c.claimed_until < now),
        )
        .values(claim=token, claimed_until=lease_until)
    )
    assert isinstance(result, CursorResult)
    if result.rowcount == 0:
        return []
    query = (
        select(Notification)
        .where(Notification.claim == token, Notification.status == PENDING)
        .order_by(Notification.id)
    )
    return list(session.scalars(query).all())


def recipient(session: Session, user_id: int) -> Recipient | None:
    row = session.execute(
        select(
            User.id,
            User.username,
            User.display_name,
            User.email,
            User.live_until,
            User.role,
            User.token_version,
        ).where(User.id == user_id)
    ).first()
    if row is None:
        return None
    return Recipient(
        row.id,
        row.display_name or row.username,
        row.email,
        row.live_until,
        row.role == "visitor",
        row.token_version,
    )


def conversation_title(session: Session, session_id: str) -> str | None:
    return session.scalar(select(ChatSession.title).where(ChatSession.id == session_id))


def messages(session: Session, ids: Sequence[int]) -> list[Message]:
    query = select(Message).where(Message.id.in_(ids)).order_by(Message.id)
    return list(session.scalars(query).all())


def last_sent_at(session: Session, session_id: str) -> datetime | None:
    query = select(func.max(Notification.sent_at)).where(
        Notification.session_id == session_id, Notification.status == NotificationStatus.SENT
    )
    return session.scalar(query)


def settle(session: Session, token: str, ids: Sequence[int], status: str, now: datetime) -> None:
    """Finish leased rows: sent, skipped or failed (only while the lease is ours)."""
    session.execute(
        update(_NOTIFICATIONS)
        .where(_NOTIFICATIONS.c.claim == token, _NOTIFICATIONS.c.id.in_(ids))
        .values(
            status=status,
            claimed_until=None,
            sent_at=now if status == NotificationStatus.SENT else None,
        )
    )


def postpone(
    session: Session,
    token: str,
    due: datetime,
    *,
    failed_attempt: bool = False,
    error: str | None = None,
) -> None:
    """Give the leased rows back, due again at ``due`` (counting a failed attempt)."""
    values: dict[str, object] = {"claim": None, "claimed_until": None, "due_at": due}
    if failed_attempt:
        values["attempts"] = _NOTIFICATIONS.c.attempts + 1
        values["last_error"] = error
    session.execute(
        update(_NOTIFICATIONS)
        .where(_NOTIFICATIONS.c.claim == token, _NOTIFICATIONS.c.status == PENDING)
        .values(**values)
    )


def seen_up_to(session: Session, session_id: str) -> int:
    """The newest message id the owner has surely seen (0: none): everything up to their
    read mark, and everything before the last message they wrote. One query for all of a
    conversation's notifications."""
    read_mark = (
        select(ChatSession.read_message_id).where(ChatSession.id == session_id).scalar_subquery()
    )
    last_written = (
        select(func.max(Message.id))
        .where(Message.session_id == session_id, Message.sender_type == "user")
        .scalar_subquery()
    )
    read, wrote = session.execute(select(read_mark, last_written)).one()
    return max(read or 0, (wrote or 0) - 1)
