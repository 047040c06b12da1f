"""Canned replies: admins write them, operators insert them with ``/shortcut``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from sunsupport.auth.deps import AdminUser, StaffUser
from sunsupport.canned import service
from sunsupport.canned.schemas import CannedReplyIn, CannedReplyOut
from sunsupport.core.deps import DatabaseDep
from sunsupport.core.errors import error_responses

operator_router = APIRouter(
    prefix="/operator", tags=["operator"], responses=error_responses(401, 403, 429, 503)
)
admin_router = APIRouter(
    prefix="/admin", tags=["admin"], responses=error_responses(401, 403, 429, 503)
)
ReplyId = Annotated[int, Path(ge=1, le=2**62)]


@operator_router.get("/canned", response_model=list[CannedReplyOut])
async def canned(db: DatabaseDep, _operator: StaffUser) -> list[CannedReplyOut]:
    """Ready answers, inserted in the console by typing `/shortcut`."""
    return [CannedReplyOut.model_validate(c) for c in await service.list_replies(db)]


@admin_router.get("/canned", response_model=list[CannedReplyOut])
async def list_canned(db: DatabaseDep, _admin: AdminUser) -> list[CannedReplyOut]:
    """Every canned reply, by shortcut (the same list the console reads)."""
    return [CannedReplyOut.model_validate(c) for c in await service.list_replies(db)]


@admin_router.post(
    "/canned",
    status_code=status.HTTP_201_CREATED,
    response_model=CannedReplyOut,
    responses=error_responses(409, 413, 422),
)
async def create_canned(body: CannedReplyIn, db: DatabaseDep, admin: AdminUser) -> CannedReplyOut:
    reply = await service.create_canned(db, body.shortcut, body.text, admin)
    return CannedReplyOut.model_validate(reply)


@admin_router.put(
    "/canned/{reply_id}",
    response_model=CannedReplyOut,
    responses=error_responses(404, 409, 413, 422),
)
async def update_canned(
    reply_id: ReplyId, body: CannedReplyIn, db: DatabaseDep, admin: AdminUser
) -> CannedReplyOut:
    reply = await service.update_canned(db, reply_id, body.shortcut, body.text, admin)
    return CannedReplyOut.model_validate(reply)


@admin_router.delete(
    "/canned/{reply_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(404, 422),
)
async def delete_canned(reply_id: ReplyId, db: DatabaseDep, admin: AdminUser) -> None:
    await service.delete_canned(db, reply_id, admin)
