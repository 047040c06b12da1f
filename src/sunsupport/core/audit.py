"""The staff audit trail, written inside the unit of work of the action it records.

Like :func:`sunsupport.core.uow.emit`, recording is part of a unit: the entry commits
with the action or not at all. Any feature records here; ``audit/`` reads the log.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy.orm import Session

from sunsupport.core.timeutil import utcnow
from sunsupport.models import AuditEntry


class Action(StrEnum):
    ROLE_CHANGED = "user.role_changed"
    STAFF_CREATED = "user.staff_created"
    STAFF_RENAMED = "user.display_name_changed"
    ACCOUNT_DELETED = "user.deleted"
    EXAMPLE_TAUGHT = "kb.example_taught"
    INBOX_STATUS_CHANGED = "inbox.status_changed"
    KB_RELOADED = "kb.reloaded"
    CANNED_CREATED = "canned.created"
    CANNED_UPDATED = "canned.updated"
    CANNED_DELETED = "canned.deleted"
    PURGED = "retention.purged"
    VISITORS_FORGOTTEN = "retention.visitors_forgotten"


class Actor(Protocol):
    """Whoever acted: anything with an account id (a :class:`~sunsupport.models.User`)."""

    @property
    def id(self) -> int: ...


def record(
    session: Session,
    action: Action,
    *,
    actor: Actor | None,
    target: str | None = None,
    **detail: Any,
) -> AuditEntry:
    """Add an entry. ``actor=None`` is the system or the command line; ``target`` names
    the object (``user:42``, ``inbox:7``, ``canned:3``); ``detail`` must be JSON."""
    entry = AuditEntry(
        at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        action=action.value,
        target=target,
        detail=detail,
    )
    session.add(entry)
    return entry


def user_target(user_id: int) -> str:
    return f"user:{user_id}"
