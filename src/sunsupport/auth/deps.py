from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from sunsupport.auth import repository
from sunsupport.deps import SessionDep, SettingsDep, TokenDep
from sunsupport.errors import Unauthorized
from sunsupport.models import User
from sunsupport.security import InvalidToken, decode_access_token


async def get_current_user(session: SessionDep, settings: SettingsDep, token: TokenDep) -> User:
    if not token:
        raise Unauthorized("Not authenticated")
    try:
        claims = decode_access_token(token, settings.secret_key or "")
    except InvalidToken as exc:
        raise Unauthorized("Invalid or expired token") from exc
    user = await repository.get_by_id(session, claims.user_id)
    if user is None:
        raise Unauthorized("User no longer exists")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
