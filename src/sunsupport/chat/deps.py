from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from sunsupport.auth.deps import CurrentUser
from sunsupport.chat import service
from sunsupport.chat.service import ChatPolicy
from sunsupport.core.deps import ReadSessionDep, SessionDep
from sunsupport.models import ChatSession

SessionIdPath = Annotated[str, Path(min_length=1, max_length=64)]


async def get_owned_session(
    session: SessionDep, user: CurrentUser, session_id: SessionIdPath
) -> ChatSession:
    """The chat session named in the path, if it is the current user's."""
    return await service.owned_session(session, user, session_id)


async def get_readable_session(
    session: ReadSessionDep, user: CurrentUser, session_id: SessionIdPath
) -> ChatSession:
    """The chat session named in the path, if it is the user's own or the user is staff."""
    return await service.owned_session(session, user, session_id, staff_may_read=True)


def get_chat_policy(request: Request) -> ChatPolicy:
    policy: ChatPolicy = request.app.state.chat_policy
    return policy


OwnedSession = Annotated[ChatSession, Depends(get_owned_session)]
ReadableSession = Annotated[ChatSession, Depends(get_readable_session)]
PolicyDep = Annotated[ChatPolicy, Depends(get_chat_policy)]
