"""``GET /auth/me/export`` and ``DELETE /auth/me``: the user's own data."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from sunsupport.auth.deps import CurrentUser, LoginGates
from sunsupport.auth.schemas import PasswordConfirmIn
from sunsupport.core.deps import ClientAddress, DatabaseDep, LimiterDep, PasswordsDep
from sunsupport.core.errors import error_responses
from sunsupport.privacy import service
from sunsupport.privacy.schemas import ExportOut

router = APIRouter(prefix="/auth", tags=["auth"], responses=error_responses(401, 429, 503))

EXPORT_FILE = "sunsupport-my-data.json"


@router.get("/me/export", response_model=ExportOut)
async def export_my_data(user: CurrentUser, db: DatabaseDep, response: Response) -> ExportOut:
    """Everything stored about the caller, as a JSON file: the account, every chat with
    its messages and feedback, ratings and comments."""
    response.headers["Content-Disposition"] = f'attachment; filename="{EXPORT_FILE}"'
    return await service.export(db, user)


@router.delete(
    "/me",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(403, 413, 422),
)
async def delete_me(
    user: CurrentUser,
    db: DatabaseDep,
    passwords: PasswordsDep,
    limiter: LimiterDep,
    gates: LoginGates,
    client: ClientAddress,
    body: PasswordConfirmIn | None = None,
) -> None:
    """Delete the account with its chats, messages, ratings and inbox items quoting
    them; its tokens stop working and its live connections close. 403 for a wrong
    password (counted as a failed login) and for staff accounts (command line only).
    A visitor has no password: the body may be ``{}`` or left out."""
    password = body.password if body is not None else None
    await service.delete_own_account(db, passwords, limiter, gates, user, password, client)
