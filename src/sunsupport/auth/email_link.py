"""Signing in from a reply email's link: the link carries a signed key that is exchanged
for a token of the account the email was sent to.

Why: a visitor's token lives in the widget frame's storage, which browsers partition
per embedding site, so the widget page opened from an email starts empty. The key makes
the link itself the proof of who it was sent to, for a short while.
"""

from __future__ import annotations

from sunsupport.auth import service
from sunsupport.core.config import Settings
from sunsupport.core.errors import Unauthorized
from sunsupport.core.ratelimit import RateLimiter
from sunsupport.core.security import (
    InvalidToken,
    decode_email_link_key,
)
from sunsupport.core.uow import Database
from sunsupport.models import User

BAD_KEY = "The link is invalid or has expired"
REVOKED_KEY = "The link no longer works; sign in again"
TOO_MANY_KEYS = "Too many failed attempts; try again later"


async def redeem(
    db: Database, settings: Settings, limiter: RateLimiter, key: str, client: str
) -> str:
    """A token for the key's account (a visitor token for a visitor), or
    :class:`Unauthorized`. Failures count with failed logins per client address, so
    keys cannot be guessed at speed."""
    address = f"addr:{client}"
    limit = limiter.login_failures_per_address
    await limiter.check(limit, address, TOO_MANY_KEYS)
    try:
        user = await _account(db, settings, key)
    except Unauthorized:
        await limiter.record(limit, address)
        raise
    return service.issue_token(user, settings)


async def _account(db: Database, settings: Settings, key: str) -> User:
    try:
        claims = decode_email_link_key(key, settings.secret_key or "").account
    except InvalidToken as exc:
        raise Unauthorized(BAD_KEY) from exc
    user = await service.user_by_id(db, claims.user_id)
    # Deleted, signed out everywhere, a new password, or a visitor registered since (a
    # link sent to the visitor must not open a password account).
    if user is None or service.refusal(user, claims) is not None:
        raise Unauthorized(REVOKED_KEY)
    return user
