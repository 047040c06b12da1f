from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from sunsupport.auth.deps import CurrentUser
from sunsupport.chat import service
from sunsupport.deps import SessionDep
from sunsupport.models import ChatSession


async def get_owned_session(
    session: SessionDep,
    user: CurrentUser,
    session_id: Annotated[str, Path(min_length=1, max_length=64)],
) -> ChatSession:
    """Load the chat session named in the path and check it is the current user's."""
    return await service.owned_session(session, user, session_id)


OwnedSession = Annotated[ChatSession, Depends(get_owned_session)]
