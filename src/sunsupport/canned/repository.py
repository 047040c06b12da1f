from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sunsupport.models import CannedReply


def get_canned(session: Session, reply_id: int) -> CannedReply | None:
    return session.get(CannedReply, reply_id)


def find_canned(session: Session, shortcut: str) -> CannedReply | None:
    return session.scalar(select(CannedReply).where(CannedReply.shortcut == shortcut))


def add_canned(session: Session, reply: CannedReply) -> CannedReply:
    session.add(reply)
    session.flush()
    return reply


def delete(session: Session, reply: CannedReply) -> None:
    session.delete(reply)


def count(session: Session) -> int:
    return int(session.scalar(select(func.count(CannedReply.id))) or 0)


def list_all(session: Session, limit: int) -> Sequence[CannedReply]:
    query = select(CannedReply).order_by(CannedReply.shortcut).limit(limit)
    return session.scalars(query).all()
