from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sunsupport.models import User


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
