"""Knowledge: the "misunderstood" inbox, teaching the bot new phrasings, reloading the
knowledge base, and how the bot reads a text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from sunsupport.bot import DialogueState, KnowledgeBot, Reply
from sunsupport.bot.kb import KnowledgeBaseError
from sunsupport.core import audit
from sunsupport.core.errors import NotFound, Unprocessable
from sunsupport.core.timeutil import utcnow
from sunsupport.core.uow import Database, emit, on_commit
from sunsupport.knowledge import repository
from sunsupport.knowledge.keeper import BotKeeper
from sunsupport.knowledge.runner import BotRunner
from sunsupport.live.hub import SYSTEM_CHANNEL
from sunsupport.models import InboxReason, InboxStatus, KbExample, MisunderstoodItem, User


def record(
    session: Session,
    *,
    reason: InboxReason,
    text: str,
    session_id: str | None,
    message_id: int | None,
    answer_id: int | None,
    intent: str | None,
    confidence: float | None,
    guesses: list[dict[str, Any]] | None,
) -> None:
    """Log one item; a second 👎 on the same answer reopens the first item instead. (On
    the message path, for every fallback: one prepared insert, no ORM flush.)"""
    if answer_id is not None and reason == InboxReason.DOWNVOTE:
        existing = repository.find_for_answer(session, answer_id, reason)
        if existing is not None:
            existing.status = InboxStatus.NEW
            existing.resolved_at = None
            return
    repository.insert_item(
        session,
        {
            "reason": reason,
            "text": text,
            "session_id": session_id,
            "message_id": message_id,
            "answer_id": answer_id,
            "intent": intent,
            "confidence": confidence,
            "guesses": guesses,
            "status": InboxStatus.NEW,
            "created_at": utcnow(),
        },
    )


def forget_conversations(session: Session, session_ids: Sequence[str]) -> int:
    """Inside a unit of work: delete the inbox items of these conversations (their text is
    the user's text, which goes with the conversation). Taught phrasings stay: they are
    knowledge, not the user's record, and carry no link to the conversation."""
    return repository.delete_for_sessions(session, session_ids)


def record_review(
    session: Session,
    *,
    reason: InboxReason,
    text: str,
    session_id: str | None,
    message_id: int | None,
    answer_id: int,
    intent: str | None,
    confidence: float | None,
    guesses: Callable[[], list[dict[str, Any]] | None],
) -> None:
    """Send a confident answer to review, unless the answer is in the inbox already
    (for any reason: one item per answer is enough to look at it). ``guesses`` loads the
    answer's stored guesses, only when an item is written."""
    if repository.has_item_for_answer(session, answer_id):
        return
    record(
        session,
        reason=reason,
        text=text,
        session_id=session_id,
        message_id=message_id,
        answer_id=answer_id,
        intent=intent,
        confidence=confidence,
        guesses=guesses(),
    )


async def list_items(
    db: Database, status: InboxStatus | None, limit: int, offset: int
) -> Sequence[MisunderstoodItem]:
    return await db.read(repository.list_items, status, limit, offset)


async def set_status(
    db: Database, item_id: int, status: InboxStatus, admin: User
) -> MisunderstoodItem:
    def write(session: Session) -> MisunderstoodItem:
        item = _get(session, item_id)
        if item.status != status:
            audit.record(
                session,
                audit.Action.INBOX_STATUS_CHANGED,
                actor=admin,
                target=f"inbox:{item.id}",
                before=item.status,
                after=status.value,
            )
        item.status = status
        item.resolved_at = None if status == InboxStatus.NEW else utcnow()
        return item

    return await db.write(write)


async def teach(
    db: Database, item_id: int, intent: str, keeper: BotKeeper, admin: User
) -> MisunderstoodItem:
    """Add the item's text as an example of ``intent`` and resolve the item."""

    def write(session: Session) -> MisunderstoodItem:
        item = _get(session, item_id)
        _check_intent(keeper, intent)
        _store_example(session, intent, item.text, keeper, admin, source=f"inbox:{item.id}")
        item.status = InboxStatus.RESOLVED
        item.resolved_at = utcnow()
        return item

    return await db.write(write)


async def add_example(
    db: Database, intent: str, text: str, keeper: BotKeeper, admin: User
) -> KbExample:
    _check_intent(keeper, intent)
    return await db.write(_store_example, intent, text, keeper, admin)


def _store_example(
    session: Session,
    intent: str,
    text: str,
    keeper: BotKeeper,
    admin: User,
    source: str | None = None,
) -> KbExample:
    """Store a new phrasing. Once it commits, this process's bot learns it before the
    response is sent, and every other process through the broadcast."""
    example = repository.add_example(
        session, KbExample(intent=intent, text=text, created_by=admin.id, created_at=utcnow())
    )
    audit.record(
        session,
        audit.Action.EXAMPLE_TAUGHT,
        actor=admin,
        target=f"example:{example.id}",
        intent=intent,
        source=source,
    )
    on_commit(session, partial(keeper.teach_now, intent, text))
    emit(session, SYSTEM_CHANNEL, keeper.example_event(intent, text))
    return example


def _check_intent(keeper: BotKeeper, intent: str) -> None:
    if intent not in keeper.bot.intent_ids:
        raise Unprocessable(f"Unknown intent: {intent}")


async def reload(db: Database, keeper: BotKeeper, admin: User) -> KnowledgeBot:
    """Re-read the knowledge base file here now, then in every other process. A broken
    file is refused with its line and reason; the bot keeps answering from the last good
    one. The audit entry's unit publishes the reload to the other processes."""
    try:
        bot = await keeper.load()
    except KnowledgeBaseError as exc:
        raise Unprocessable(str(exc)) from exc

    def write(session: Session) -> None:
        audit.record(session, audit.Action.KB_RELOADED, actor=admin, intents=len(bot.intent_ids))
        emit(session, SYSTEM_CHANNEL, keeper.reload_event())

    await db.write(write)
    return bot


async def parse(runner: BotRunner, text: str) -> Reply:
    """The bot's reading of ``text`` as a fresh conversation. Nothing is stored."""
    return await runner.answer(text, DialogueState())


def _get(session: Session, item_id: int) -> MisunderstoodItem:
    item = repository.get(session, item_id)
    if item is None:
        raise NotFound("Inbox item not found")
    return item
