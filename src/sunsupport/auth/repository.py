from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sunsupport.models import User
from sunsupport.models.enums import STAFF_ROLES


async def get_by_id(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


def username_key(username: str) -> str:
    return username.casefold()


async def get_by_username(session: AsyncSession, username: str) -> User | None:
    return await session.scalar(select(User).where(User.username_key == username_key(username)))


async def add(session: AsyncSession, username: str, hashed_password: str) -> User:
    user = User(
        username=username, username_key=username_key(username), hashed_password=hashed_password
    )
    session.add(user)
    await session.flush()
    return user


async def touch(session: AsyncSession, user_id: int, now: datetime) -> None:
    """Record that a staff member was seen at ``now``."""
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(last_active_at=now)
        .execution_options(synchronize_session=False)
    )


async def staff_active_since(session: AsyncSession, since: datetime) -> bool:
    query = select(exists().where(User.role.in_(STAFF_ROLES), User.last_active_at >= since))
    return bool(await session.scalar(query))
