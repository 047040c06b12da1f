"""Reading the audit log (entries are written by :mod:`sunsupport.core.audit`)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from sunsupport.models import AuditEntry, User


def page(
    session: Session, limit: int, before_id: int | None
) -> Sequence[tuple[AuditEntry, str | None]]:
    """Newest first, with the actor's current username (None once deleted)."""
    query = select(AuditEntry, User.username).outerjoin(User, User.id == AuditEntry.actor_id)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    rows = session.execute(query.order_by(AuditEntry.id.desc()).limit(limit)).all()
    return [(entry, username) for entry, username in rows]
