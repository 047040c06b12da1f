"""Password hashing (off the event loop) and JWT access tokens."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from anyio import CapacityLimiter, to_thread
from pwdlib import PasswordHash

from sunsupport.timeutil import utcnow

ALGORITHM = "HS256"
_hasher = PasswordHash.recommended()
_limiter: CapacityLimiter | None = None
_dummy_hash: str | None = None


def _hash_limiter() -> CapacityLimiter:
    """Argon2 runs in threads, at most one per core: a burst of logins queues here
    instead of taking every worker thread and every core from chat requests."""
    global _limiter
    if _limiter is None:
        _limiter = CapacityLimiter(os.cpu_count() or 1)
    return _limiter


async def hash_password(password: str) -> str:
    return await to_thread.run_sync(_hasher.hash, password, limiter=_hash_limiter())


async def verify_password(password: str, hashed: str | None) -> bool:
    """Verify ``password``; with ``hashed=None`` burn the same time and return False,
    so a wrong username cannot be told from a wrong password by timing."""
    global _dummy_hash
    if hashed is None:
        if _dummy_hash is None:
            _dummy_hash = await hash_password(uuid.uuid4().hex)
        await to_thread.run_sync(_hasher.verify, password, _dummy_hash, limiter=_hash_limiter())
        return False
    return await to_thread.run_sync(_hasher.verify, password, hashed, limiter=_hash_limiter())


@dataclass(frozen=True, slots=True)
class TokenClaims:
    user_id: int
    expires_at: datetime


class InvalidToken(Exception):
    pass


def create_access_token(user_id: int, secret: str, expire_minutes: int) -> str:
    now = utcnow()
    claims = {
        "sub": str(user_id),
        "iat": now,
        "exp": now + timedelta(minutes=expire_minutes),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_access_token(token: str, secret: str) -> TokenClaims:
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "iat"]}
        )
        user_id = int(claims["sub"])
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise InvalidToken(str(exc)) from exc
    return TokenClaims(user_id=user_id, expires_at=datetime.fromtimestamp(claims["exp"]))
