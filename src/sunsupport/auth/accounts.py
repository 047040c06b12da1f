"""Account administration for the command line: staff accounts are never made over HTTP."""

from __future__ import annotations

from sunsupport.auth import repository, service
from sunsupport.auth.schemas import Credentials
from sunsupport.core.errors import NotFound
from sunsupport.core.security import PasswordHasher
from sunsupport.core.uow import Database
from sunsupport.models import Role, User


async def create_account(
    database: Database, passwords: PasswordHasher, credentials: Credentials, role: str
) -> User:
    async with database.write() as session:
        user = await service.register(
            session, passwords, credentials.username, credentials.password
        )
        user.role = Role(role)
    return user


async def change_role(database: Database, username: str, role: str) -> User:
    async with database.write() as session:
        user = await repository.get_by_username(session, username)
        if user is None:
            raise NotFound(f"No user named {username}")
        user.role = Role(role)
    return user
