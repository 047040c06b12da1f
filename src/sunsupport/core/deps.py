"""Annotated dependency aliases shared by every feature's routes.

Every dependency is ``async def``, even when it only reads ``app.state``: FastAPI runs a
plain ``def`` dependency in a worker thread, a thread hop per dependency per request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from sunsupport.core.config import Settings
from sunsupport.core.ratelimit import RateLimiter
from sunsupport.core.security import PasswordHasher
from sunsupport.core.uow import Database


async def get_database(request: Request) -> Database:
    database: Database = request.app.state.db
    return database


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_limiter(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.limiter
    return limiter


async def get_passwords(request: Request) -> PasswordHasher:
    passwords: PasswordHasher = request.app.state.passwords
    return passwords


async def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# Routes run units of work through the database (``await db.read(...)``,
# ``await db.write(...)``): each commits before it returns, so a 2xx means stored.
DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
LimiterDep = Annotated[RateLimiter, Depends(get_limiter)]
PasswordsDep = Annotated[PasswordHasher, Depends(get_passwords)]
ClientAddress = Annotated[str, Depends(client_address)]

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)
TokenDep = Annotated[str | None, Depends(oauth2_scheme)]
