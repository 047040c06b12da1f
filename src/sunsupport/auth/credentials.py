"""The signed-in user's credentials: proving the password again, changing it, and
revoking every token (the account's token version, carried by each token as ``tv``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from sunsupport.auth import repository, service
from sunsupport.auth.attempts import password_attempt
from sunsupport.auth.password_rules import require_strong
from sunsupport.core.errors import Forbidden, Unauthorized
from sunsupport.core.fairness import Gates
from sunsupport.core.ratelimit import RateLimiter
from sunsupport.core.security import PasswordHasher
from sunsupport.core.uow import Database, emit
from sunsupport.live.hub import user_channel
from sunsupport.models import User

WRONG_PASSWORD = "The password is wrong"  # noqa: S105 (a message)


async def confirm_password(
    db: Database,
    passwords: PasswordHasher,
    limiter: RateLimiter,
    gates: Gates,
    user: User,
    password: str,
    client: str,
) -> None:
    """The signed-in user proves the password again (to change it, or to delete the
    account). A wrong one is 403 and counts as a failed login: a stolen token must not
    become an unthrottled password oracle."""
    async with password_attempt(limiter, gates, user.username, client) as attempt:
        attempt.succeeded = await passwords.verify(password, user.hashed_password)
    if not attempt.succeeded:
        raise Forbidden(WRONG_PASSWORD)


async def change_password(db: Database, passwords: PasswordHasher, user: User, new: str) -> int:
    """Store a new password and revoke every token issued before (the caller has already
    confirmed the current one). Returns the new token version, for the caller's new token."""
    require_strong(new, user.username, field="new_password")
    hashed = await passwords.hash(new)
    return await _revoke(db, user, hashed)


async def revoke_tokens(db: Database, user: User) -> int:
    """Sign out everywhere: every token of the account, the caller's too, stops working."""
    return await _revoke(db, user, None)


async def _revoke(db: Database, user: User, hashed: str | None) -> int:
    def write(session: Session) -> int:
        version = repository.replace_credentials(session, user.id, user.token_version, hashed)
        if version is None:  # revoked meanwhile (another tab signed out everywhere)
            raise Unauthorized(service.TOKEN_REVOKED)
        emit(session, user_channel(user.id), {"type": "user_changed", "user_id": user.id})
        return version

    return await db.write(write)
