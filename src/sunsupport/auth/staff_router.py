"""``/admin/staff``: admins see the staff and set the names customers see."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from sunsupport.auth import service
from sunsupport.auth.deps import AdminUser
from sunsupport.auth.schemas import StaffNameIn, StaffOut
from sunsupport.core.deps import DatabaseDep
from sunsupport.core.errors import error_responses

router = APIRouter(prefix="/admin", tags=["admin"], responses=error_responses(401, 403, 429, 503))


@router.get("/staff", response_model=list[StaffOut], responses=error_responses(422))
async def list_staff(
    db: DatabaseDep,
    _admin: AdminUser,
    limit: Annotated[int, Query(ge=1, le=200)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[StaffOut]:
    """Operators and admins, by username."""
    return [StaffOut.model_validate(user) for user in await service.list_staff(db, limit, offset)]


@router.patch("/staff/{user_id}", response_model=StaffOut, responses=error_responses(404, 413, 422))
async def set_display_name(
    user_id: Annotated[int, Path(ge=1, le=2**62)],
    body: StaffNameIn,
    db: DatabaseDep,
    admin: AdminUser,
) -> StaffOut:
    """Set (or with null clear) the name customers see on this staff member's replies."""
    changed = await service.set_display_name(db, user_id, body.display_name, admin)
    return StaffOut.model_validate(changed)
