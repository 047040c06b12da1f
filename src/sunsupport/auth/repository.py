"""Every query on accounts (sync functions over a Session, run as units of work)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, delete, exists, or_, select, update
from sqlalchemy.orm import Session

from sunsupport.core.usernames import normalise, skeleton
from sunsupport.models import Role, User
from sunsupport.models.enums import STAFF_ROLES

_USERS = cast(Table, User.__table__)
_USER_BY_ID = select(_USERS).where(_USERS.c.id == bindparam("id"))


def get_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def snapshot_by_id(session: Session, user_id: int) -> User | None:
    """The account as it is now, for reading only (every request's token lookup): a
    plain object loaded with a prepared statement, cheaper than an ORM load."""
    row = session.execute(_USER_BY_ID, {"id": user_id}).first()
    return User(**row._mapping) if row is not None else None


def username_key(username: str) -> str:
    return normalise(username).casefold()


def get_by_username(session: Session, username: str) -> User | None:
    """The account of ``username`` in any case and compatibility form; an account made
    before names were NFKC-normalised is also found by its name as it was typed then."""
    keys = {username_key(username), username.casefold()}
    rows = session.scalars(select(User).where(User.username_key.in_(keys))).all()
    exact = [user for user in rows if user.username_key == username.casefold()]
    found = exact or list(rows)
    return found[0] if found else None


def look_alike_exists(session: Session, username: str) -> bool:
    query = select(exists().where(User.username_skeleton == skeleton(username)))
    return bool(session.scalar(query))


def add(
    session: Session,
    username: str,
    hashed_password: str,
    role: str = Role.USER,
    display_name: str | None = None,
) -> User:
    """A new account; a taken or look-alike name raises IntegrityError."""
    user = User(
        username=username,
        username_key=username_key(username),
        username_skeleton=skeleton(username),
        hashed_password=hashed_password,
        role=role,
        display_name=display_name,
    )
    session.add(user)
    session.flush()
    return user


def replace_credentials(
    session: Session, user_id: int, seen_version: int, hashed_password: str | None
) -> int | None:
    """Revoke every token of the account (and set a new password hash, if given), only if
    its token version is still ``seen_version``; the new version, or None if it moved."""
    values: dict[str, object] = {"token_version": User.token_version + 1}
    if hashed_password is not None:
        values["hashed_password"] = hashed_password
    result = session.execute(
        update(User)
        .where(User.id == user_id, User.token_version == seen_version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    return seen_version + 1


def delete_user(session: Session, user_id: int) -> None:
    session.execute(delete(User).where(User.id == user_id))


def list_staff(session: Session, limit: int, offset: int) -> Sequence[User]:
    query = (
        select(User)
        .where(User.role.in_(STAFF_ROLES))
        .order_by(User.username_key)
        .limit(limit)
        .offset(offset)
    )
    return session.scalars(query).all()


def touch(session: Session, user_id: int, now: datetime) -> None:
    """Record that a staff member was seen at ``now``."""
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(last_active_at=now)
        .execution_options(synchronize_session=False)
    )


def staff_active_since(session: Session, since: datetime) -> bool:
    query = select(exists().where(User.role.in_(STAFF_ROLES), User.last_active_at >= since))
    return bool(session.scalar(query))


def add_visitor(session: Session, username: str, display_name: str) -> User:
    """A passwordless visitor account; a taken generated name raises IntegrityError."""
    user = User(
        username=username,
        username_key=username_key(username),
        username_skeleton=skeleton(username),
        hashed_password=None,
        role=Role.VISITOR,
        display_name=display_name,
    )
    session.add(user)
    session.flush()
    return user


def update_profile(session: Session, user_id: int, values: dict[str, str | None]) -> User | None:
    user = session.get(User, user_id)
    if user is None:
        return None
    for name, value in values.items():
        setattr(user, name, value)
    session.flush()
    return user


def become_user(
    session: Session, user_id: int, token_version: int, username: str, hashed_password: str
) -> User | None:
    """Turn a visitor into a registered user, keeping its id (and so its chats); None if
    the account is no longer a visitor or the token was revoked since (``token_version``
    is the token's). A taken name raises IntegrityError."""
    user = session.get(User, user_id, with_for_update=True)
    if user is None or user.role != Role.VISITOR or user.token_version != token_version:
        return None
    user.username = username
    user.username_key = username_key(username)
    user.username_skeleton = skeleton(username)
    user.hashed_password = hashed_password
    user.role = Role.USER
    user.token_version += 1  # the widget's long-lived visitor token must not open it
    session.flush()
    return user


def refresh_live(session: Session, user_ids: Sequence[int], until: datetime) -> None:
    """These people were here: an open live connection counts them present until
    ``until``, a visitor renewing their token counts as seen then (never moved
    backwards). The idle-visitor cleanup and the away-by-email rule read it."""
    session.execute(
        update(User)
        .where(
            User.id.in_(user_ids),
            or_(User.live_until.is_(None), User.live_until < until),
        )
        .values(live_until=until)
        .execution_options(synchronize_session=False)
    )
