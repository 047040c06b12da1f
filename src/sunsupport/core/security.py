"""Password hashing (off the event loop) and JWT access tokens."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import jwt
from anyio import CapacityLimiter, to_thread
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from sunsupport.core.timeutil import utcnow

ALGORITHM = "HS256"

HashProfile = Literal["production", "test"]


def _argon2(profile: HashProfile) -> PasswordHash:
    if profile == "production":
        return PasswordHash.recommended()  # Argon2id, m=64 MiB, t=3, p=4
    # The library's minimum cost: for test suites only (the settings refuse it elsewhere).
    return PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1),))


class PasswordHasher:
    """Argon2 off the event loop, at most one hash per core at a time: a burst of logins
    queues here instead of taking every worker thread and every core from chat requests.

    Verifying reads the cost from the stored hash, so accounts made under one profile
    log in under the other.
    """

    def __init__(self, profile: HashProfile = "production") -> None:
        self.profile = profile
        self._hasher = _argon2(profile)
        self._limiter: CapacityLimiter | None = None
        self._dummy_hash: str | None = None

    def _capacity(self) -> CapacityLimiter:
        # Created lazily: a CapacityLimiter belongs to the event loop that first uses it.
        if self._limiter is None:
            self._limiter = CapacityLimiter(os.cpu_count() or 1)
        return self._limiter

    async def hash(self, password: str) -> str:
        return await to_thread.run_sync(self._hasher.hash, password, limiter=self._capacity())

    async def verify(self, password: str, hashed: str | None) -> bool:
        """Verify ``password``; with ``hashed=None`` burn the same time and return False,
        so a wrong username cannot be told from a wrong password by timing."""
        if hashed is None:
            if self._dummy_hash is None:
                self._dummy_hash = await self.hash(uuid.uuid4().hex)
            await self._verify(password, self._dummy_hash)
            return False
        return await self._verify(password, hashed)

    async def _verify(self, password: str, hashed: str) -> bool:
        return await to_thread.run_sync(
            self._hasher.verify, password, hashed, limiter=self._capacity()
        )


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
