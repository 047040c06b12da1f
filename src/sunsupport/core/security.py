"""Password hashing (off the event loop) and JWT access tokens."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from sunsupport.core.timeutil import utcnow
from sunsupport.core.workpool import WorkPool

ALGORITHM = "HS256"
MAX_ID = 2**63
"""Ids are 64-bit integers in both databases; a larger ``sub`` is not an id."""

HashProfile = Literal["production", "test"]


def _argon2(profile: HashProfile) -> PasswordHash:
    if profile == "production":
        return PasswordHash.recommended()  # Argon2id, m=64 MiB, t=3, p=4
    # The library's minimum cost: for test suites only (the settings refuse it elsewhere).
    return PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1),))


class PasswordHasher:
    """Argon2 in a bounded pool of threads, one per core (argon2 releases the GIL, so
    hashing runs beside the event loop): a burst of logins or registrations queues there,
    and beyond the queue is refused with 503, instead of taking every core from chat
    requests.

    Verifying reads the cost from the stored hash, so accounts made under one profile
    log in under the other.
    """

    def __init__(self, profile: HashProfile = "production", pool: WorkPool | None = None) -> None:
        self.profile = profile
        self._hasher = _argon2(profile)
        threads = os.cpu_count() or 1
        self._pool = pool or WorkPool("password hashing", threads, queue=8 * threads)
        self._dummy_hash: str | None = None

    async def hash(self, password: str) -> str:
        return await self._pool.run(self._hasher.hash, password)

    async def prepare(self) -> str:
        """The stand-in hash that unknown usernames are verified against, made once (at
        start-up), so the first such login takes the same time as the others."""
        if self._dummy_hash is None:
            self._dummy_hash = await self.hash(uuid.uuid4().hex)
        return self._dummy_hash

    async def verify(self, password: str, hashed: str | None) -> bool:
        """Verify ``password``; with ``hashed=None`` burn the same time and return False,
        so a wrong username cannot be told from a wrong password by timing."""
        if hashed is None:
            await self._pool.run(self._hasher.verify, password, await self.prepare())
            return False
        return await self._pool.run(self._hasher.verify, password, hashed)


VISITOR_KIND = "visitor"


@dataclass(frozen=True, slots=True)
class TokenClaims:
    user_id: int
    expires_at: datetime
    token_version: int = 0
    """The account's token version when the token was issued (``tv``); a token whose
    version is no longer the account's was revoked (password change, sign-out
    everywhere). Tokens from before versions existed count as version 0."""
    visitor: bool = False
    """Issued to a visitor: it stops working once the visitor registers (the account is
    then a user's, with a password, and the widget's long-lived token must not open it)."""
    authenticated_at: datetime | None = None
    """When the person signed in (``auth_time``; a token from before renewals existed:
    its ``iat``). Renewals keep it, so a session has an absolute end."""


class InvalidToken(Exception):
    pass


def create_access_token(
    user_id: int,
    secret: str,
    expire_minutes: int,
    token_version: int = 0,
    *,
    visitor: bool = False,
    lifetime: timedelta | None = None,
    authenticated_at: datetime | None = None,
    not_after: datetime | None = None,
) -> str:
    """A signed token. ``lifetime`` (else ``expire_minutes``) from now, but never past
    ``not_after``; ``authenticated_at`` is carried over by a renewal (default: now, a
    new sign-in)."""
    now = utcnow()
    expires_at = now + (lifetime if lifetime is not None else timedelta(minutes=expire_minutes))
    if not_after is not None:
        expires_at = min(expires_at, not_after)
    claims: dict[str, object] = {
        "sub": str(user_id),
        "tv": token_version,
        "iat": now,
        "auth_time": int((authenticated_at or now).timestamp()),
        "exp": expires_at,
        "jti": uuid.uuid4().hex,
    }
    if visitor:
        claims["kind"] = VISITOR_KIND
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_access_token(token: str, secret: str) -> TokenClaims:
    """The token's claims if its signature is good and it has not expired.

    A token is sent with every request of a session: its verified claims are kept (they
    cannot change), and only the expiry is checked again each time.
    """
    claims = _verified(token, secret)
    if claims.expires_at <= utcnow():
        raise InvalidToken("Signature has expired")
    return claims


@lru_cache(maxsize=4096)
def _verified(token: str, secret: str) -> TokenClaims:
    with _invalid_as_token_error():
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "iat"]}
        )
        if "purpose" in claims:  # a key made for one thing (an email link), not a token
            raise ValueError("not an access token")
        return _claims(claims)


@contextmanager
def _invalid_as_token_error() -> Iterator[None]:
    """A bad signature, a missing or malformed claim: all one :class:`InvalidToken`."""
    try:
        yield
    except (jwt.PyJWTError, ValueError, TypeError, OverflowError, OSError) as exc:
        raise InvalidToken(str(exc)) from exc


def _claims(claims: dict[str, Any]) -> TokenClaims:
    user_id = int(claims["sub"])
    if not 0 < user_id < MAX_ID:
        raise ValueError("sub out of range")
    expires_at = datetime.fromtimestamp(claims["exp"], UTC)
    token_version = claims.get("tv", 0)
    if not isinstance(token_version, int) or not 0 <= token_version < MAX_ID:
        raise ValueError("tv out of range")
    issued_at = datetime.fromtimestamp(claims["iat"], UTC)
    auth_time = claims.get("auth_time")
    authenticated_at = issued_at
    if isinstance(auth_time, int) and not isinstance(auth_time, bool):
        authenticated_at = min(datetime.fromtimestamp(auth_time, UTC), issued_at)
    return TokenClaims(
        user_id=user_id,
        expires_at=expires_at,
        token_version=token_version,
        visitor=claims.get("kind") == VISITOR_KIND,
        authenticated_at=authenticated_at,
    )


EMAIL_LINK_PURPOSE = "email-link"


@dataclass(frozen=True, slots=True)
class EmailLinkClaims:
    """A reply email's sign-in key: whose it is (as an access token's claims would say)
    and the conversation the email is about."""

    account: TokenClaims
    session_id: str


def create_email_link_key(
    user_id: int,
    secret: str,
    expire_days: int,
    token_version: int,
    session_id: str,
    *,
    visitor: bool = False,
) -> str:
    """A key for the link in a reply email: exchanged once the link is opened
    (``POST /auth/email-link``) for a token of the account. It carries a ``purpose``, so
    it is refused everywhere a token is expected, and the account's token version, so
    "sign out everywhere" and a password change revoke it like any token."""
    now = utcnow()
    claims: dict[str, object] = {
        "purpose": EMAIL_LINK_PURPOSE,
        "sub": str(user_id),
        "tv": token_version,
        "sid": session_id,
        "iat": now,
        "exp": now + timedelta(days=expire_days),
    }
    if visitor:
        claims["kind"] = VISITOR_KIND
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_email_link_key(key: str, secret: str) -> EmailLinkClaims:
    """The key's claims if it is a good, unexpired email-link key, else :class:`InvalidToken`."""
    with _invalid_as_token_error():
        claims = jwt.decode(
            key,
            secret,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "sub", "iat", "purpose", "sid"]},
        )
        if claims["purpose"] != EMAIL_LINK_PURPOSE or not isinstance(claims["sid"], str):
            raise ValueError("not an email-link key")
        return EmailLinkClaims(account=_claims(claims), session_id=claims["sid"])
