"""Annotated dependency aliases shared by the routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession

from sunsupport.bot import KnowledgeBot
from sunsupport.bot_keeper import BotKeeper
from sunsupport.config import Settings
from sunsupport.db import session_scope
from sunsupport.live import outbox
from sunsupport.ratelimit import RateLimiter


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One unit of work per request; live events go out only after it committed.

    On SQLite, writers of this process queue on an asyncio lock: they are woken the
    moment the previous one commits, instead of polling in SQLite's busy handler (which
    sleeps in steps of up to 100 ms and caps throughput under load).
    """
    session: AsyncSession | None = None
    lock = request.app.state.write_lock
    try:
        async with lock, session_scope(request.app.state.sessionmaker) as session:
            yield session
    except BaseException:
        if session is not None:
            outbox.discard(session)
        raise
    await outbox.flush(session, request.app.state.hub)


async def get_read_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A read-only unit of work (on SQLite it takes no write lock)."""
    async with session_scope(request.app.state.read_sessionmaker) as session:
        yield session


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_keeper(request: Request) -> BotKeeper:
    return request.app.state.bot_keeper


def get_bot(request: Request) -> KnowledgeBot:
    """The current bot (replaced as a whole when the knowledge base is reloaded)."""
    return request.app.state.bot_keeper.bot


def get_limiter(request: Request) -> RateLimiter:
    return request.app.state.limiter


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# scope="function": the unit of work commits when the endpoint returns, *before* the
# response is sent, so a 2xx always means the data is stored.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
BotDep = Annotated[KnowledgeBot, Depends(get_bot)]
KeeperDep = Annotated[BotKeeper, Depends(get_keeper)]
LimiterDep = Annotated[RateLimiter, Depends(get_limiter)]
ClientAddress = Annotated[str, Depends(client_address)]

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)
TokenDep = Annotated[str | None, Depends(oauth2_scheme)]
