"""Registration and login rules."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from sunsupport.auth import repository
from sunsupport.errors import Conflict, Unauthorized
from sunsupport.models import User
from sunsupport.ratelimit import RateLimiter
from sunsupport.security import hash_password, verify_password

BAD_CREDENTIALS = "Incorrect username or password"
TOO_MANY_FAILURES = "Too many failed login attempts; try again later"


async def register(session: AsyncSession, username: str, password: str) -> User:
    # Hash before touching the database: the write transaction (on SQLite, the write lock)
    # must not stay open for the tens of milliseconds Argon2 takes.
    hashed = await hash_password(password)
    if await repository.get_by_username(session, username) is not None:
        raise Conflict("Username is already taken")
    try:
        return await repository.add(session, username, hashed)
    except IntegrityError as exc:  # a concurrent registration won the race
        raise Conflict("Username is already taken") from exc


async def authenticate(
    session: AsyncSession, limiter: RateLimiter, username: str, password: str, client: str
) -> User:
    """Check credentials; failures count per username and per client address.

    Give it a read-only session: nothing is written, and Argon2 runs while it is open."""
    keys = (f"user:{repository.username_key(username)}", f"addr:{client}")
    for key in keys:
        await limiter.check(limiter.login_failures, key, TOO_MANY_FAILURES)
    user = await repository.get_by_username(session, username)
    if await verify_password(password, user.hashed_password if user else None) and user:
        return user
    for key in keys:
        await limiter.record(limiter.login_failures, key)
    raise Unauthorized(BAD_CREDENTIALS)
