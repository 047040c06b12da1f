"""Accounts: registration, login, and when staff were last seen."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sunsupport.auth import repository
from sunsupport.core.errors import Conflict, Unauthorized
from sunsupport.core.ratelimit import RateLimiter
from sunsupport.core.security import PasswordHasher
from sunsupport.core.timeutil import utcnow
from sunsupport.models import User

BAD_CREDENTIALS = "Incorrect username or password"
TOO_MANY_FAILURES = "Too many failed login attempts; try again later"
# Presence is written at most this often per staff member: a busy console is not a
# write storm.
PRESENCE_RESOLUTION = timedelta(seconds=30)


async def register(
    session: AsyncSession, passwords: PasswordHasher, username: str, password: str
) -> User:
    # Hash before touching the database: the write transaction (on SQLite, the write lock)
    # must not stay open for the tens of milliseconds Argon2 takes.
    hashed = await passwords.hash(password)
    if await repository.get_by_username(session, username) is not None:
        raise Conflict("Username is already taken")
    try:
        return await repository.add(session, username, hashed)
    except IntegrityError as exc:  # a concurrent registration won the race
        raise Conflict("Username is already taken") from exc


async def authenticate(
    session: AsyncSession,
    passwords: PasswordHasher,
    limiter: RateLimiter,
    username: str,
    password: str,
    client: str,
) -> User:
    """Check credentials; failures count per username and per client address.

    Give it a read-only session: nothing is written, and Argon2 runs while it is open."""
    keys = (f"user:{repository.username_key(username)}", f"addr:{client}")
    for key in keys:
        await limiter.check(limiter.login_failures, key, TOO_MANY_FAILURES)
    user = await repository.get_by_username(session, username)
    if await passwords.verify(password, user.hashed_password if user else None) and user:
        return user
    for key in keys:
        await limiter.record(limiter.login_failures, key)
    raise Unauthorized(BAD_CREDENTIALS)


async def user_by_id(session: AsyncSession, user_id: int) -> User | None:
    return await repository.get_by_id(session, user_id)


async def mark_present(session: AsyncSession, user: User) -> None:
    """A staff member is at the console (decides "on the way" vs "queued")."""
    now = utcnow()
    last = user.last_active_at
    if last is None or now - last >= PRESENCE_RESOLUTION:
        await repository.touch(session, user.id, now)
        user.last_active_at = now


async def staff_active_since(session: AsyncSession, since: datetime) -> bool:
    return await repository.staff_active_since(session, since)
