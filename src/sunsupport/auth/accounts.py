"""Account administration for the command line: staff accounts are never made over HTTP."""

from __future__ import annotations

from sunsupport.auth import service
from sunsupport.auth.schemas import Credentials
from sunsupport.core.security import PasswordHasher
from sunsupport.core.uow import Database
from sunsupport.models import Role, User


async def create_account(
    db: Database,
    passwords: PasswordHasher,
    credentials: Credentials,
    role: str,
    display_name: str | None = None,
) -> User:
    return await service.register(
        db, passwords, credentials.username, credentials.password, Role(role), display_name
    )


async def change_role(db: Database, username: str, role: str) -> User:
    return await service.set_role(db, username, role)
