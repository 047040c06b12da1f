"""Knowledge: the "misunderstood" inbox, teaching the bot new phrasings, reloading the
knowledge base, and how the bot reads a text."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from sunsupport.bot import DialogueState, KnowledgeBot, Reply
from sunsupport.bot.kb import KnowledgeBaseError
from sunsupport.core.errors import NotFound, Unprocessable
from sunsupport.core.timeutil import utcnow
from sunsupport.core.uow import emit, on_commit
from sunsupport.knowledge import repository
from sunsupport.knowledge.keeper import BotKeeper
from sunsupport.live.hub import SYSTEM_CHANNEL
from sunsupport.models import InboxReason, InboxStatus, KbExample, MisunderstoodItem, User


async def record(
    session: AsyncSession,
    *,
    reason: InboxReason,
    text: str,
    session_id: str | None,
    message_id: int | None,
    answer_id: int | None,
    intent: str | None,
    confidence: float | None,
    guesses: list[dict[str, Any]] | None,
) -> MisunderstoodItem:
    """Log one item; a second 👎 on the same answer reopens the first item instead."""
    if answer_id is not None:
        existing = await repository.find_for_answer(session, answer_id, reason)
        if existing is not None:
            existing.status = InboxStatus.NEW
            existing.resolved_at = None
            return existing
    return await repository.add(
        session,
        MisunderstoodItem(
            reason=reason,
            text=text,
            session_id=session_id,
            message_id=message_id,
            answer_id=answer_id,
            intent=intent,
            confidence=confidence,
            guesses=guesses,
            status=InboxStatus.NEW,
            created_at=utcnow(),
        ),
    )


async def list_items(
    session: AsyncSession, status: InboxStatus | None, limit: int, offset: int
) -> Sequence[MisunderstoodItem]:
    return await repository.list_items(session, status, limit, offset)


async def set_status(session: AsyncSession, item_id: int, status: InboxStatus) -> MisunderstoodItem:
    item = await _get(session, item_id)
    item.status = status
    item.resolved_at = None if status == InboxStatus.NEW else utcnow()
    return item


async def teach(
    session: AsyncSession, item_id: int, intent: str, keeper: BotKeeper, admin: User
) -> tuple[MisunderstoodItem, KbExample]:
    """Add the item's text as an example of ``intent`` and resolve the item."""
    item = await _get(session, item_id)
    example = await add_example(session, intent, item.text, keeper, admin)
    item.status = InboxStatus.RESOLVED
    item.resolved_at = utcnow()
    return item, example


async def add_example(
    session: AsyncSession, intent: str, text: str, keeper: BotKeeper, admin: User
) -> KbExample:
    """Store a new phrasing. Once the change commits, this process's bot learns it before
    the response is sent, and every other process through the broadcast."""
    if intent not in keeper.bot.intent_ids:
        raise Unprocessable(f"Unknown intent: {intent}")
    example = await repository.add_example(
        session, KbExample(intent=intent, text=text, created_by=admin.id, created_at=utcnow())
    )
    on_commit(session, partial(keeper.teach_now, intent, text))
    emit(session, SYSTEM_CHANNEL, keeper.example_event(intent, text))
    return example


async def reload(session: AsyncSession, keeper: BotKeeper) -> KnowledgeBot:
    """Re-read the knowledge base file here now, and in every other process after the
    commit. A broken file is refused with its line and reason; the bot keeps answering
    from the last good one."""
    try:
        bot = await keeper.load()
    except KnowledgeBaseError as exc:
        raise Unprocessable(str(exc)) from exc
    emit(session, SYSTEM_CHANNEL, keeper.reload_event())
    return bot


async def parse(bot: KnowledgeBot, text: str) -> Reply:
    """The bot's reading of ``text`` as a fresh conversation (in a worker thread: the
    text may be long). Nothing is stored."""
    return await to_thread.run_sync(bot.answer, text, DialogueState())


async def _get(session: AsyncSession, item_id: int) -> MisunderstoodItem:
    item = await repository.get(session, item_id)
    if item is None:
        raise NotFound("Inbox item not found")
    return item
