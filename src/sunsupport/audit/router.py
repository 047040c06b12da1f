from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from sunsupport.audit import service
from sunsupport.audit.schemas import AuditEntryOut
from sunsupport.auth.deps import AdminUser
from sunsupport.core.deps import DatabaseDep
from sunsupport.core.errors import error_responses

router = APIRouter(prefix="/admin", tags=["admin"], responses=error_responses(401, 403, 429, 503))


@router.get("/audit", response_model=list[AuditEntryOut], responses=error_responses(422))
async def audit_log(
    db: DatabaseDep,
    _admin: AdminUser,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> list[AuditEntryOut]:
    """Staff actions, newest first; page back with ``before_id=<smallest id seen>``."""
    return await service.entries(db, limit, before_id)
