"""Accounts: registration, login, who a token belongs to, and staff presence."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from loguru import logger
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sunsupport.auth import repository
from sunsupport.auth.attempts import password_attempt
from sunsupport.auth.password_rules import field_error
from sunsupport.core import audit
from sunsupport.core.config import Settings
from sunsupport.core.errors import Conflict, NotFound, Unauthorized
from sunsupport.core.fairness import Gates
from sunsupport.core.ratelimit import RateLimiter
from sunsupport.core.security import PasswordHasher, TokenClaims, create_access_token
from sunsupport.core.timeutil import utcnow
from sunsupport.core.uow import Database, emit
from sunsupport.core.usernames import NameProblem, check_characters
from sunsupport.live.hub import user_channel
from sunsupport.models import Role, User

BAD_CREDENTIALS = "Incorrect username or password"
TOKEN_REVOKED = "Token revoked: the password was changed or every session was signed out"  # noqa: S105
SESSION_ENDED = "The session has reached its maximum length; log in again"
NAME_TAKEN = "Username is already taken"
NAME_LOOKS_TAKEN = "Username is already taken: it looks the same as an existing one"
VISITOR_NAME_ATTEMPTS = 5
GENERATED_NAME = re.compile(r"^Гость \d{4}$")
# Presence is written at most this often per staff member: a busy console is not a
# write storm.
PRESENCE_RESOLUTION = timedelta(seconds=30)


def issue_token(user: User, settings: Settings, *, token_version: int | None = None) -> str:
    """An access token of ``user`` (at ``token_version``, by default the account's), for a
    new sign-in: a visitor's lives ``VISITOR_TOKEN_EXPIRE_DAYS``, anyone else's
    ``ACCESS_TOKEN_EXPIRE_MINUTES``."""
    if user.is_visitor:
        lifetime = timedelta(days=settings.visitor_token_expire_days)
    else:
        lifetime = settings.access_token_lifetime
    version = user.token_version if token_version is None else token_version
    return create_access_token(
        user.id, settings.secret_key or "", 0, version, visitor=user.is_visitor, lifetime=lifetime
    )


def renew_token(user: User, claims: TokenClaims, settings: Settings) -> str:
    """The same session's next token (``POST /auth/renew``): the caller's account, token
    version and sign-in time, a full lifetime from now, but never past
    ``SESSION_MAX_HOURS`` after the sign-in. The version is the one the caller's token
    was checked against, so revoking every session still ends this one at once."""
    signed_in = claims.authenticated_at or utcnow()
    ends = signed_in + settings.session_lifetime
    if ends <= utcnow():  # a token from a longer-lived configuration
        raise Unauthorized(SESSION_ENDED)
    return create_access_token(
        user.id,
        settings.secret_key or "",
        0,
        claims.token_version,
        lifetime=settings.access_token_lifetime,
        authenticated_at=signed_in,
        not_after=ends,
    )


def refusal(user: User | None, claims: TokenClaims) -> str | None:
    """Why a token (or a reply email's key) no longer opens its account, or None if it
    does. Checked against the database every time, not a cache: a password change or
    "sign out everywhere" in one process revokes it in all of them at once."""
    if user is None:
        return "User no longer exists"
    if user.token_version != claims.token_version:
        return TOKEN_REVOKED
    if claims.visitor and not user.is_visitor:
        return "The visitor has registered; log in"
    return None


async def register(
    db: Database,
    passwords: PasswordHasher,
    username: str,
    password: str,
    role: str = Role.USER,
    display_name: str | None = None,
) -> User:
    """A new account. Argon2 runs first, in its pool; the write is one short insert. A
    staff account (only the command line makes those) is recorded in the audit log."""
    await _check_name(db, username)
    hashed = await passwords.hash(password)

    def write(session: Session) -> User:
        if repository.look_alike_exists(session, username):
            raise Conflict(NAME_LOOKS_TAKEN)
        user = repository.add(session, username, hashed, role, display_name)
        if user.is_staff:
            target = audit.user_target(user.id)
            audit.record(session, audit.Action.STAFF_CREATED, actor=None, target=target, role=role)
        return user

    try:
        return await db.write(write)
    except IntegrityError as exc:  # the name (in any case), or its look-alike, is taken
        raise Conflict(NAME_TAKEN) from exc


async def become_user(
    db: Database,
    passwords: PasswordHasher,
    visitor: TokenClaims,
    username: str,
    password: str,
) -> User:
    """A visitor registers: the same account (its chats, its email) gets a name and a
    password. If the account is no longer a visitor, or the token was revoked (signed out
    everywhere), this is a plain registration: a stolen token cannot claim the account."""
    await _check_name(db, username)
    hashed = await passwords.hash(password)

    def write(session: Session) -> User:
        if repository.look_alike_exists(session, username):
            raise Conflict(NAME_LOOKS_TAKEN)
        user = repository.become_user(
            session, visitor.user_id, visitor.token_version, username, hashed
        )
        if user is None:
            return repository.add(session, username, hashed)
        if user.display_name and GENERATED_NAME.match(user.display_name):
            user.display_name = None  # «Гость 4821» was ours, not theirs
        emit(session, user_channel(user.id), {"type": "user_changed", "user_id": user.id})
        return user

    try:
        return await db.write(write)
    except IntegrityError as exc:
        raise Conflict(NAME_TAKEN) from exc


async def _check_name(db: Database, username: str) -> None:
    """Letters of one script. A mixed name that looks like an existing one is refused as
    a look-alike (409, like any other), otherwise as invalid (422)."""
    try:
        check_characters(username)
    except NameProblem as exc:
        if await db.read(repository.look_alike_exists, username):
            raise Conflict(NAME_LOOKS_TAKEN) from exc
        raise field_error("username", "username_script", f"The username {exc}") from exc


async def create_visitor(db: Database) -> User:
    """A passwordless account for the widget, with a generated name («Гость 4821»)."""
    for attempt in range(VISITOR_NAME_ATTEMPTS):
        username = f"guest_{secrets.token_hex(6)}"
        display_name = f"Гость {1000 + secrets.randbelow(9000)}"
        try:
            return await db.write(repository.add_visitor, username, display_name)
        except IntegrityError:  # 48 random bits collided: try another name
            if attempt == VISITOR_NAME_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


async def update_profile(db: Database, user: User, values: dict[str, str | None]) -> User:
    """Change the display name and/or the email (only the keys given)."""

    def write(session: Session) -> User:
        changed = repository.update_profile(session, user.id, values)
        if changed is None:
            raise Unauthorized("User no longer exists")
        return changed

    return await db.write(write)


async def authenticate(
    db: Database,
    passwords: PasswordHasher,
    limiter: RateLimiter,
    gates: Gates,
    username: str,
    password: str,
    client: str,
) -> User:
    """Check credentials, throttled (see :mod:`sunsupport.auth.attempts`)."""
    async with password_attempt(limiter, gates, username, client) as attempt:
        user = await db.read(repository.get_by_username, username)
        verified = await passwords.verify(password, user.hashed_password if user else None)
        attempt.succeeded = verified and user is not None
    if user is None or not attempt.succeeded:
        raise Unauthorized(BAD_CREDENTIALS)
    return user


def forget_account(session: Session, user: User) -> None:
    """Inside a unit of work: delete the account row (its conversations are the chat
    feature's to delete first) and tell its live connections."""
    repository.delete_user(session, user.id)
    emit(session, user_channel(user.id), {"type": "user_changed", "user_id": user.id})


async def user_by_id(db: Database, user_id: int) -> User | None:
    return await db.read(repository.snapshot_by_id, user_id)


def mark_present(session: Session, user_ids: Sequence[int], until: datetime) -> None:
    """These people are (or were) here until ``until``: see ``repository.refresh_live``."""
    repository.refresh_live(session, user_ids, until)


SEEN_RESOLUTION = timedelta(hours=1)
"""A visitor's renewals are recorded at most this often (the widget asks on each page)."""


async def renew_visitor(db: Database, user: User, settings: Settings) -> str:
    """A fresh token for a returning visitor; the visit counts as the visitor being seen,
    so the idle-visitor cleanup keeps the account as long as the new token lives."""
    now = utcnow()
    if user.live_until is None or user.live_until < now - SEEN_RESOLUTION:
        await db.write(mark_present, [user.id], now)
    return issue_token(user, settings)


def caller(session: Session, claims: TokenClaims) -> User:
    """The account a token opens, as it is now; :class:`Unauthorized` when the token no
    longer opens it. A rule inside a unit, so that a route's own first read can check
    the caller too (one read per request instead of two)."""
    user = repository.snapshot_by_id(session, claims.user_id)
    refused = refusal(user, claims)
    if user is None or refused is not None:
        raise Unauthorized(refused or "User no longer exists")
    return user


async def user_by_name(db: Database, username: str) -> User:
    user = await db.read(repository.get_by_username, username)
    if user is None:
        raise NotFound(f"No user named {username}")
    return user


async def set_role(db: Database, username: str, role: str) -> User:
    def change(session: Session) -> User:
        user = repository.get_by_username(session, username)
        if user is None:
            raise NotFound(f"No user named {username}")
        if user.role != role:
            audit.record(
                session,
                audit.Action.ROLE_CHANGED,
                actor=None,
                target=audit.user_target(user.id),
                username=user.username,
                before=user.role,
                after=role,
            )
        user.role = Role(role)
        emit(session, user_channel(user.id), {"type": "user_changed", "user_id": user.id})
        return user

    return await db.write(change)


async def list_staff(db: Database, limit: int, offset: int) -> Sequence[User]:
    return await db.read(repository.list_staff, limit, offset)


async def set_display_name(
    db: Database, user_id: int, display_name: str | None, admin: User | None = None
) -> User:
    """The name customers see on a staff member's replies and handover notes from now on
    (what was already sent keeps the name it was sent with). Audited: it is how staff
    appear to customers."""

    def change(session: Session) -> User:
        user = repository.get_by_id(session, user_id)
        if user is None or not user.is_staff:
            raise NotFound("No staff member with this id")
        if user.display_name != display_name:
            audit.record(
                session,
                audit.Action.STAFF_RENAMED,
                actor=admin,
                target=audit.user_target(user.id),
                before=user.display_name,
                after=display_name,
            )
        user.display_name = display_name
        return user

    return await db.write(change)


def staff_active_since(session: Session, since: datetime) -> bool:
    """Whether any operator or admin was seen since ``since`` (inside a unit of work)."""
    return repository.staff_active_since(session, since)


class Presence:
    """When staff were last seen, written at most every 30 s per person and in the
    background: no request waits for it."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._written: dict[int, datetime] = {}
        self._pending: set[asyncio.Task[None]] = set()

    def seen(self, user: User) -> None:
        now = utcnow()
        last = self._written.get(user.id) or user.last_active_at
        if last is not None and now - last < PRESENCE_RESOLUTION:
            return
        self._written[user.id] = now
        task = asyncio.create_task(self._write(user.id, now))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def settled(self) -> None:
        """Wait for the writes under way (tests, shutdown)."""
        while self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    async def _write(self, user_id: int, now: datetime) -> None:
        try:
            await self._db.write(repository.touch, user_id, now)
        except Exception as exc:  # presence is best effort: the next sighting retries
            self._written.pop(user_id, None)
            logger.debug("presence not recorded: {}", type(exc).__name__)
