"""Who is calling: the token's user for HTTP routes and WebSockets, and role checks."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, WebSocket
from starlette.requests import HTTPConnection

from sunsupport.auth import service
from sunsupport.core.config import Settings
from sunsupport.core.deps import SessionDep, TokenDep
from sunsupport.core.errors import Forbidden, Unauthorized
from sunsupport.core.security import InvalidToken, decode_access_token
from sunsupport.core.uow import Database
from sunsupport.live import socket
from sunsupport.models import Role, User


async def user_for_token(connection: HTTPConnection, token: str | None) -> User:
    """The token's user, looked up in a short read-only unit of work of its own; any
    problem is :class:`Unauthorized`.

    The lookup's connection is returned before the endpoint runs: a request never holds
    one connection while waiting for another (with a bounded pool, that deadlocks).
    """
    if not token:
        raise Unauthorized("Not authenticated")
    settings: Settings = connection.app.state.settings
    try:
        claims = decode_access_token(token, settings.secret_key or "")
    except InvalidToken as exc:
        raise Unauthorized("Invalid or expired token") from exc
    database: Database = connection.app.state.db
    async with database.read() as session:
        user = await service.user_by_id(session, claims.user_id)
    if user is None:
        raise Unauthorized("User no longer exists")
    return user


async def socket_user(websocket: WebSocket, token: str | None) -> User | None:
    """The user of a live connection's auth frame, or None after closing it with 4401."""
    try:
        return await user_for_token(websocket, token)
    except Unauthorized:
        await socket.close(websocket, socket.NOT_AUTHENTICATED, "Not authenticated")
        return None


async def get_current_user(request: Request, token: TokenDep) -> User:
    return await user_for_token(request, token)


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_staff_user(user: CurrentUser, session: SessionDep) -> User:
    """An operator or admin; using a staff endpoint counts as being present."""
    if not user.is_staff:
        raise Forbidden("Operators only")
    await service.mark_present(session, user)
    return user


async def get_admin_user(user: CurrentUser) -> User:
    if user.role != Role.ADMIN:
        raise Forbidden("Admins only")
    return user


StaffUser = Annotated[User, Depends(get_staff_user)]
AdminUser = Annotated[User, Depends(get_admin_user)]
