from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.requests import HTTPConnection

from sunsupport.auth import repository
from sunsupport.db import session_scope
from sunsupport.deps import SessionDep, TokenDep
from sunsupport.errors import Forbidden, Unauthorized
from sunsupport.models import Role, User
from sunsupport.operator.service import mark_active
from sunsupport.security import InvalidToken, decode_access_token


async def user_for_token(request: HTTPConnection, token: str | None) -> User:
    """The token's user, looked up in a short read-only transaction of its own; any
    problem is :class:`Unauthorized`. Shared by HTTP routes and WebSockets.

    The lookup's connection is returned before the endpoint runs: a request never holds
    one connection while waiting for another (with a bounded pool, that deadlocks).
    """
    if not token:
        raise Unauthorized("Not authenticated")
    try:
        claims = decode_access_token(token, request.app.state.settings.secret_key or "")
    except InvalidToken as exc:
        raise Unauthorized("Invalid or expired token") from exc
    async with session_scope(request.app.state.read_sessionmaker) as session:
        user = await repository.get_by_id(session, claims.user_id)
    if user is None:
        raise Unauthorized("User no longer exists")
    return user


async def get_current_user(request: Request, token: TokenDep) -> User:
    return await user_for_token(request, token)


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_staff_user(user: CurrentUser, session: SessionDep) -> User:
    """An operator or admin; using a staff endpoint counts as being present."""
    if not user.is_staff:
        raise Forbidden("Operators only")
    await mark_active(session, user)
    return user


async def get_admin_user(user: CurrentUser) -> User:
    if user.role != Role.ADMIN:
        raise Forbidden("Admins only")
    return user


StaffUser = Annotated[User, Depends(get_staff_user)]
AdminUser = Annotated[User, Depends(get_admin_user)]
