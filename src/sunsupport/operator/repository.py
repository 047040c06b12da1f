from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import CursorResult, and_, func, or_, select, update
from sqlalchemy.orm import Session

from sunsupport.models import ChatSession, Role, SessionStatus, User

QUEUE_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Customer:
    """Who a conversation belongs to, as the console shows them."""

    username: str
    display_name: str
    email: str | None
    visitor: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "username": self.username,
            "display_name": self.display_name,
            "email": self.email,
            "visitor": self.visitor,
        }


def queue(session: Session, operator_id: int) -> Sequence[tuple[ChatSession, Customer]]:
    """Waiting conversations (oldest first), then the operator's open ones."""
    waiting_first = (ChatSession.status != SessionStatus.PENDING_HUMAN).asc()
    query = (
        select(ChatSession, User.username, User.display_name, User.email, User.role)
        .join(User, User.id == ChatSession.user_id)
        .where(
            or_(
                ChatSession.status == SessionStatus.PENDING_HUMAN,
                and_(
                    ChatSession.status == SessionStatus.OPEN,
                    ChatSession.assignee_id == operator_id,
                ),
            )
        )
        .order_by(waiting_first, ChatSession.waiting_since.asc(), ChatSession.id)
        .limit(QUEUE_LIMIT)
    )
    return [
        (chat, Customer(name, shown or name, email, role == Role.VISITOR))
        for chat, name, shown, email, role in session.execute(query).all()
    ]


def count_waiting(session: Session) -> int:
    query = select(func.count()).where(ChatSession.status == SessionStatus.PENDING_HUMAN)
    return int(session.scalar(query) or 0)


def claim(session: Session, session_id: str, operator_id: int) -> bool:
    """Atomically take a waiting conversation: exactly one concurrent claim matches a row."""
    result = session.execute(
        update(ChatSession)
        .where(ChatSession.id == session_id, ChatSession.status == SessionStatus.PENDING_HUMAN)
        .values(status=SessionStatus.OPEN, assignee_id=operator_id, version=ChatSession.version + 1)
        .execution_options(synchronize_session=False)
    )
    # An UPDATE without RETURNING gives a CursorResult; only that has a row count.
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def assigned_to(session: Session, operator_id: int) -> Sequence[ChatSession]:
    """The open conversations an operator has, rows locked (PostgreSQL)."""
    query = (
        select(ChatSession)
        .where(ChatSession.assignee_id == operator_id, ChatSession.status == SessionStatus.OPEN)
        .with_for_update()
    )
    return session.scalars(query).all()
