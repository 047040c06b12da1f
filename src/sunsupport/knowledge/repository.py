from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from sunsupport.models import KbExample, MisunderstoodItem

_INSERT_ITEM = insert(cast(Table, MisunderstoodItem.__table__))


def insert_item(session: Session, values: dict[str, Any]) -> None:
    session.execute(_INSERT_ITEM, values)


def get(session: Session, item_id: int) -> MisunderstoodItem | None:
    return session.get(MisunderstoodItem, item_id)


def find_for_answer(session: Session, answer_id: int, reason: str) -> MisunderstoodItem | None:
    query = select(MisunderstoodItem).where(
        MisunderstoodItem.answer_id == answer_id, MisunderstoodItem.reason == reason
    )
    return session.scalar(query)


def has_item_for_answer(session: Session, answer_id: int) -> bool:
    query = select(MisunderstoodItem.id).where(MisunderstoodItem.answer_id == answer_id).limit(1)
    return session.scalar(query) is not None


def list_items(
    session: Session, status: str | None, limit: int, offset: int
) -> Sequence[MisunderstoodItem]:
    query = select(MisunderstoodItem)
    if status is not None:
        query = query.where(MisunderstoodItem.status == status)
    query = query.order_by(MisunderstoodItem.id.desc()).limit(limit).offset(offset)
    return (session.scalars(query)).all()


def add_example(session: Session, example: KbExample) -> KbExample:
    session.add(example)
    session.flush()
    return example


def all_examples(session: Session) -> Sequence[KbExample]:
    return (session.scalars(select(KbExample).order_by(KbExample.id))).all()


def delete_for_sessions(session: Session, session_ids: Sequence[str]) -> int:
    """Delete the inbox items quoting these conversations; how many went."""
    if not session_ids:
        return 0
    result = session.execute(
        delete(MisunderstoodItem).where(MisunderstoodItem.session_id.in_(session_ids))
    )
    return int(getattr(result, "rowcount", 0) or 0)
