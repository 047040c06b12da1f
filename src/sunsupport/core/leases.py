"""Periodic tasks that run in one process of many (workers of one server, or servers).

A task's row in ``task_leases`` holds when it is next due. Every process tries to claim
it with one conditional UPDATE (``... WHERE due_at <= now``), which moves ``due_at`` to
the next run: the database lets exactly one such UPDATE match, on SQLite (one writer at
a time) and on PostgreSQL (the row lock; the second UPDATE re-checks the condition after
the first commits) alike. No lock is held while the task runs; a process that dies
mid-run simply leaves the work to the next due time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from sunsupport.models import TaskLease


def claim(session: Session, name: str, now: datetime, every: timedelta, holder: str) -> bool:
    """A unit of work: True if this caller may run ``name`` now (and it is next due at
    ``now + every``); the row is created, due at once, the first time."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(TaskLease)
        .values(name=name, due_at=now, holder=None)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    result = session.execute(
        update(TaskLease)
        .where(TaskLease.name == name, TaskLease.due_at <= now)
        .values(due_at=now + every, holder=holder)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)
