from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
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


def list_all(session: Session) -> Sequence[CannedReply]:
    return (session.scalars(select(CannedReply).order_by(CannedReply.shortcut))).all()
