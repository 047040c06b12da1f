"""Account administration for the command line (no HTTP, no running server needed)."""

from __future__ import annotations

from sunsupport.auth import repository, service
from sunsupport.auth.schemas import Credentials
from sunsupport.config import Settings
from sunsupport.db import create_engine, create_sessionmaker, session_scope
from sunsupport.errors import NotFound
from sunsupport.models import Role, User


async def create_account(settings: Settings, credentials: Credentials, role: str) -> User:
    engine = create_engine(settings)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            user = await service.register(session, credentials.username, credentials.password)
            user.role = Role(role)
        return user
    finally:
        await engine.dispose()


async def change_role(settings: Settings, username: str, role: str) -> User:
    engine = create_engine(settings)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            user = await repository.get_by_username(session, username)
            if user is None:
                raise NotFound(f"No user named {username}")
            user.role = Role(role)
        return user
    finally:
        await engine.dispose()
