"""The user's rights over their data: a copy of it, and its deletion (the user's own
account from the page; any account, staff too, from the command line)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from sunsupport.auth import credentials
from sunsupport.auth import service as accounts
from sunsupport.auth.password_rules import field_error
from sunsupport.chat import service as chats
from sunsupport.core import audit
from sunsupport.core.errors import Forbidden
from sunsupport.core.fairness import Gates
from sunsupport.core.ratelimit import RateLimiter
from sunsupport.core.security import PasswordHasher
from sunsupport.core.timeutil import utcnow
from sunsupport.core.uow import Database
from sunsupport.models import User
from sunsupport.operator import service as operators
from sunsupport.privacy.schemas import (
    ExportedAccount,
    ExportedChat,
    ExportedMessage,
    ExportedRating,
    ExportOut,
)

STAFF_DELETE_FROM_CLI = "Staff accounts are deleted by an administrator: sunsupport delete-user"


@dataclass(frozen=True, slots=True)
class Erased:
    conversations: int
    messages: int
    inbox_items: int


async def export(db: Database, user: User) -> ExportOut:
    conversations = await db.read(chats.conversations_with_messages, user.id)
    return ExportOut(
        exported_at=utcnow(),
        account=ExportedAccount(
            username=user.username,
            role=user.role,
            created=user.created_at,
            display_name=user.display_name,
            email=user.email,
        ),
        chats=[
            ExportedChat(
                id=chat.id,
                title=chat.title,
                created=chat.created_date,
                status=chat.status,
                rating=chat.rating,
                rating_comment=chat.rating_comment,
                messages=[
                    ExportedMessage(
                        sender=m.sender_type, text=m.text, time=m.sent_at, feedback=m.feedback
                    )
                    for m in messages
                ],
            )
            for chat, messages in conversations
        ],
        ratings=[
            ExportedRating(chat_id=chat.id, rating=chat.rating, comment=chat.rating_comment)
            for chat, _ in conversations
            if chat.rating is not None
        ],
    )


async def delete_own_account(
    db: Database,
    passwords: PasswordHasher,
    limiter: RateLimiter,
    gates: Gates,
    user: User,
    password: str | None,
    client: str,
) -> Erased:
    """The user deletes their account after repeating the password. Staff cannot: their
    accounts carry the service's accountability, and go only by the command line."""
    if user.is_staff:
        raise Forbidden(STAFF_DELETE_FROM_CLI)
    if not user.is_visitor:  # a visitor has no password: the token is the credential
        if password is None:
            raise field_error("password", "missing", "Field required")
        await credentials.confirm_password(db, passwords, limiter, gates, user, password, client)
    return await db.write(_erase, user, user, "self")


async def delete_account_by_name(db: Database, username: str) -> Erased:
    """``sunsupport delete-user NAME``: any account, staff too."""
    user = await accounts.user_by_name(db, username)
    return await db.write(_erase, user, None, "cli")


def _erase(session: Session, user: User, actor: User | None, via: str) -> Erased:
    """One unit: the conversations with their messages and inbox items, the account, and
    the audit entry. The entry names the account by id only: nothing of it remains."""
    deleted = chats.delete_conversations_of(session, user.id)
    if user.is_staff:
        operators.requeue_conversations_of(session, user)
    accounts.forget_account(session, user)
    audit.record(
        session,
        audit.Action.ACCOUNT_DELETED,
        actor=actor,
        target=audit.user_target(user.id),
        role=user.role,
        via=via,
        conversations=deleted.conversations,
        messages=deleted.messages,
        inbox_items=deleted.inbox_items,
    )
    return Erased(deleted.conversations, deleted.messages, deleted.inbox_items)
