from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from sunsupport.auth.deps import CurrentUser
from sunsupport.chat import service
from sunsupport.chat.service import ChatPolicy
from sunsupport.core.deps import DatabaseDep
from sunsupport.models import ChatSession

SessionIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]


async def get_readable_session(
    db: DatabaseDep, user: CurrentUser, session_id: SessionIdPath
) -> ChatSession:
    """The chat session named in the path, if it is the user's own or the user is staff."""
    return await service.readable_session(db, user, session_id)


async def get_chat_policy(request: Request) -> ChatPolicy:
    policy: ChatPolicy = request.app.state.chat_policy
    return policy


ReadableSession = Annotated[ChatSession, Depends(get_readable_session)]
PolicyDep = Annotated[ChatPolicy, Depends(get_chat_policy)]
