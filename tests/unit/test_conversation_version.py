"""A conversation's version moves with every change made through the ORM (the check a
user's turn relies on: it is worked out again when the conversation changed meanwhile)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, select, update
from sqlalchemy.orm import Session

from sunsupport.models import ChatSession, SessionStatus, User
from tests.support.databases import copy_database


def _version(session: Session, chat_id: str) -> int:
    return session.scalar(select(ChatSession.version).where(ChatSession.id == chat_id)) or 0


def test_each_flushed_change_moves_the_version_once(tmp_path: Path, migrated_template: Path):
    engine = create_engine(f"sqlite:///{copy_database(migrated_template, tmp_path / 'v.db')}")
    with Session(engine, expire_on_commit=False) as session:
        user = User(username="vera", username_key="vera")
        session.add(user)
        session.flush()
        chat = ChatSession(id="c-1", user_id=user.id)
        session.add(chat)
        session.commit()
        assert _version(session, "c-1") == 0  # created, not changed

        chat.title = "Погода"
        chat.status = SessionStatus.PENDING_HUMAN  # two columns, one change
        session.commit()
        assert _version(session, "c-1") == 1

        chat.title = "Погода"  # the same value: nothing changed
        session.commit()
        assert _version(session, "c-1") == 1

        chat.assignee_id = user.id
        session.flush()
        chat.status = SessionStatus.OPEN  # a second flush in the same transaction
        session.commit()
        assert _version(session, "c-1") == 3

        chat.rating, chat.version = 5, 10  # set explicitly: taken as it is
        session.commit()
        assert _version(session, "c-1") == 10
    engine.dispose()


def test_statements_that_bypass_the_orm_set_the_version_themselves(
    tmp_path: Path, migrated_template: Path
):
    engine = create_engine(f"sqlite:///{copy_database(migrated_template, tmp_path / 'v.db')}")
    with Session(engine) as session:
        user = User(username="vera", username_key="vera")
        session.add(user)
        session.flush()
        session.add(ChatSession(id="c-1", user_id=user.id))
        session.commit()
        session.execute(update(ChatSession).where(ChatSession.id == "c-1").values(rating=4))
        session.commit()
        assert _version(session, "c-1") == 0
    engine.dispose()
