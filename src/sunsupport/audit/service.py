"""The staff audit log, for admins: who changed roles, made staff accounts, taught the
bot, changed the inbox, reloaded the knowledge base, edited canned replies, deleted
accounts, and what each purge removed."""

from __future__ import annotations

from sunsupport.audit import repository
from sunsupport.audit.schemas import AuditEntryOut
from sunsupport.core.uow import Database


async def entries(db: Database, limit: int, before_id: int | None) -> list[AuditEntryOut]:
    rows = await db.read(repository.page, limit, before_id)
    return [
        AuditEntryOut(
            id=entry.id,
            at=entry.at,
            actor=username or (f"user:{entry.actor_id}" if entry.actor_id is not None else None),
            action=entry.action,
            target=entry.target,
            detail=entry.detail or {},
        )
        for entry, username in rows
    ]
