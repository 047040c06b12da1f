"""Annotated dependency aliases shared by every feature's routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession

from sunsupport.core.config import Settings
from sunsupport.core.ratelimit import RateLimiter
from sunsupport.core.security import PasswordHasher
from sunsupport.core.uow import Database


def get_database(request: Request) -> Database:
    database: Database = request.app.state.db
    return database


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's unit of work: committed when the endpoint returns, then its
    after-commit callbacks run and its live events go out."""
    async with get_database(request).write() as session:
        yield session


async def get_read_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A read-only unit of work (on SQLite it never waits for writers)."""
    async with get_database(request).read() as session:
        yield session


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.limiter
    return limiter


def get_passwords(request: Request) -> PasswordHasher:
    passwords: PasswordHasher = request.app.state.passwords
    return passwords


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# scope="function": the unit of work commits when the endpoint returns, *before* the
# response is sent, so a 2xx always means the data is stored.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session, scope="function")]
DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
LimiterDep = Annotated[RateLimiter, Depends(get_limiter)]
PasswordsDep = Annotated[PasswordHasher, Depends(get_passwords)]
ClientAddress = Annotated[str, Depends(client_address)]

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)
TokenDep = Annotated[str | None, Depends(oauth2_scheme)]
