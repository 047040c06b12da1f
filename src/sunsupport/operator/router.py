from __future__ import annotations

from fastapi import APIRouter, status

from sunsupport.auth.deps import StaffUser
from sunsupport.chat.deps import SessionIdPath
from sunsupport.chat.schemas import SessionDetail
from sunsupport.core.deps import DatabaseDep
from sunsupport.core.errors import error_responses
from sunsupport.notify.deps import MailPolicyDep
from sunsupport.operator import service
from sunsupport.operator.schemas import OperatorMessageIn, OperatorMessageOut, QueueItem

router = APIRouter(
    prefix="/operator", tags=["operator"], responses=error_responses(401, 403, 429, 503)
)
CHANGES = error_responses(404, 409, 422)


@router.get("/queue", response_model=list[QueueItem])
async def queue(db: DatabaseDep, operator: StaffUser) -> list[QueueItem]:
    """Waiting conversations, oldest first, then the ones this operator has open."""
    rows = await service.queue(db, operator)
    return [
        QueueItem(
            id=chat.id,
            user_id=chat.user_id,
            **customer.as_dict(),
            status=chat.status,
            assignee_id=chat.assignee_id,
            title=chat.title,
            waiting_since=chat.waiting_since,
            last_message_at=chat.last_message_at,
        )
        for chat, customer in rows
    ]


@router.post("/sessions/{session_id}/claim", response_model=SessionDetail, responses=CHANGES)
async def claim(session_id: SessionIdPath, db: DatabaseDep, operator: StaffUser) -> SessionDetail:
    """Take a waiting conversation. Of two operators racing, one wins; the other gets 409."""
    return SessionDetail.model_validate(await service.claim(db, operator, session_id))


@router.post(
    "/sessions/{session_id}/message",
    status_code=status.HTTP_201_CREATED,
    response_model=OperatorMessageOut,
    responses=error_responses(404, 409, 413, 422),
)
async def reply(
    session_id: SessionIdPath,
    body: OperatorMessageIn,
    db: DatabaseDep,
    operator: StaffUser,
    mail: MailPolicyDep,
) -> OperatorMessageOut:
    message = await service.reply(db, operator, session_id, body.text, mail)
    return OperatorMessageOut.model_validate(message)


@router.post("/sessions/{session_id}/release", response_model=SessionDetail, responses=CHANGES)
async def release(session_id: SessionIdPath, db: DatabaseDep, operator: StaffUser) -> SessionDetail:
    """Give the conversation back to the bot."""
    return SessionDetail.model_validate(await service.release(db, operator, session_id))


@router.post("/sessions/{session_id}/resolve", response_model=SessionDetail, responses=CHANGES)
async def resolve(session_id: SessionIdPath, db: DatabaseDep, operator: StaffUser) -> SessionDetail:
    return SessionDetail.model_validate(await service.resolve(db, operator, session_id))
