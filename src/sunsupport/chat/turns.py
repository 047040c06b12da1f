"""A user's message and its answer: read, think, then one short write.

1. Read the conversation (ownership, status, the bot's memory, its version).
2. Work out the answer with nothing held: the bot (long texts in its pool), and on a
   handoff whether an operator is around.
3. One write: advance the conversation only if it is still at the version read
   (otherwise start again from 1), then insert the message and the answer together.

In one process, turns of one conversation run one at a time (a lock per conversation,
which only that conversation's own requests ever wait for); between processes the
version check keeps the state consistent, and advancing the conversation row first
orders the messages of concurrent turns as they commit.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from sunsupport.auth import service as accounts
from sunsupport.bot import FALLBACK, DialogueState, Ranked, Reply
from sunsupport.chat import events, repository, review
from sunsupport.chat.events import HUMAN_STATUSES
from sunsupport.chat.service import ChatPolicy, conversation_snapshot, title_from
from sunsupport.core import metrics
from sunsupport.core.errors import Conflict
from sunsupport.core.fairness import Gates
from sunsupport.core.security import TokenClaims
from sunsupport.core.timeutil import utcnow
from sunsupport.core.uow import Database, on_commit
from sunsupport.knowledge import service as knowledge
from sunsupport.knowledge.runner import BotRunner
from sunsupport.models import ChatSession, InboxReason, Message, SessionStatus
from sunsupport.stats import service as stats

HANDOFF_INTENT = "operator"
MAX_ATTEMPTS = 20
"""Turns of one conversation posted through several processes at once retry, with a
growing random pause, until theirs is stored."""

HANDOFF_ON_THE_WAY = (
    "Зову оператора! Человек из команды Солнца подключится к этому чату в ближайшие "
    "минуты. Пока можно подробнее описать, что случилось."
)
HANDOFF_QUEUED = (
    "Сейчас все операторы на смене у Солнца и не у экранов. Ваш вопрос поставлен в очередь — "
    "оператор ответит прямо здесь, как только освободится. Можно закрыть вкладку: "
    "ответ сохранится в этом чате."
)


@dataclass(frozen=True, slots=True)
class PostedMessage:
    message: Message
    answer: Message | None
    reply: Reply | None


class StaleConversation(Exception):
    """The conversation changed between reading it and storing the turn."""


@dataclass
class _Turn:
    """Everything the write needs, worked out before it."""

    chat: ChatSession
    text: str
    sent_at: datetime
    reopened: bool = False
    reply: Reply | None = None
    answered_at: datetime | None = None
    handoff: dict[str, Any] = field(default_factory=dict)
    inbox_reason: InboxReason | None = None


_turns = Gates(running=1, waiting=None)
"""One turn at a time per conversation in this process."""


async def post_user_message(
    db: Database,
    bot: BotRunner,
    caller: TokenClaims,
    session_id: str,
    text: str,
    policy: ChatPolicy,
    admit: Callable[[], Awaitable[None]] | None = None,
) -> PostedMessage:
    """Store the caller's message and, while the bot has the conversation, its answer.
    The caller's account is checked in the same read as the conversation; ``admit`` (the
    rate limit) is charged after that check, before the bot, so a revoked token cannot
    use up its account's allowance."""
    async with _turns.turn(session_id):
        for attempt in range(MAX_ATTEMPTS):
            chat, earlier = await db.read(_snapshot_with_recent, caller, session_id)
            if admit is not None and attempt == 0:
                await admit()
            turn = await _think(db, bot, chat, text, policy)
            try:
                posted = await db.write(_store, turn)
            except StaleConversation:
                await asyncio.sleep(random.uniform(0, 0.002 * (attempt + 1)))  # noqa: S311
                continue
            if posted.reply is not None and earlier:
                _review_earlier_answers(db, bot, posted, earlier, bool(turn.handoff), policy)
            return posted
    raise Conflict("The conversation changed while answering; send the message again")


def _snapshot_with_recent(
    session: Session, caller: TokenClaims, session_id: str
) -> tuple[ChatSession, list[review.Exchange]]:
    """The caller's account, the conversation and, while the bot has it, its last answers
    (for the review), in one read. With a human the bot does not answer, and there is
    nothing to review."""
    chat = conversation_snapshot(session, accounts.caller(session, caller), session_id)
    if chat.status in HUMAN_STATUSES:
        return chat, []
    return chat, repository.recent_exchanges(session, chat.id, review.LOOKBACK_ANSWERS)


def _review_earlier_answers(
    db: Database,
    bot: BotRunner,
    posted: PostedMessage,
    earlier: list[review.Exchange],
    handoff: bool,
    policy: ChatPolicy,
) -> None:
    """Did this turn show that an earlier confident answer was wrong? (Checked at once on
    what was read before the turn; only a finding is written, in the background.)"""
    facts = review.TurnFacts(
        session_id=posted.message.session_id,
        message_id=posted.message.id,
        text=posted.message.text,
        intent=posted.reply.intent if posted.reply is not None else None,
        handoff=handoff,
    )
    rules = review.ReviewRules(
        low_confidence=policy.low_confidence,
        reviewable=partial(_reviewable, bot),
        repeatable=bot.keeper.bot.has_skill,
    )
    review.after_turn(db, facts, earlier, rules)


async def _think(
    db: Database, bot: BotRunner, chat: ChatSession, text: str, policy: ChatPolicy
) -> _Turn:
    turn = _Turn(chat=chat, text=text, sent_at=utcnow())
    status = chat.status
    if status == SessionStatus.RESOLVED:  # writing again reopens it with the bot
        turn.reopened = True
        status = SessionStatus.BOT
    if status in HUMAN_STATUSES:  # a human has it: the bot stays silent
        return turn
    reply = await bot.answer(text, DialogueState.from_dict(chat.bot_state))
    if reply.intent == HANDOFF_INTENT and not reply.clarification:
        since = turn.sent_at - policy.operator_active_window
        around = await db.read(accounts.staff_active_since, since)
        handoff_text = HANDOFF_ON_THE_WAY if around else HANDOFF_QUEUED
        reply = dataclasses.replace(reply, text=handoff_text, suggestions=(), state=DialogueState())
        turn.handoff = {
            "status": SessionStatus.PENDING_HUMAN,
            "assignee_id": None,
            "waiting_since": turn.sent_at,
            "first_response_at": None,
            "resolved_at": None,
            "handed_off_at": chat.handed_off_at or turn.sent_at,
        }
    turn.reply = reply
    turn.answered_at = utcnow()
    turn.inbox_reason = _misunderstood(reply, policy) or _sampled(bot, reply, policy)
    return turn


def _store(session: Session, turn: _Turn) -> PostedMessage:
    chat, reply = turn.chat, turn.reply
    values: dict[str, Any] = {"last_message_at": turn.answered_at or turn.sent_at}
    if turn.reopened:
        values.update(status=SessionStatus.BOT, assignee_id=None)
    if chat.title is None:
        values["title"] = title_from(turn.text)
    values.update(turn.handoff)
    if reply is not None:
        values["bot_state"] = reply.state.to_dict()
    if not repository.advance(session, chat.id, chat.version, values):
        raise StaleConversation

    rows = [_row(chat, "user", turn.text, turn.sent_at)]
    if reply is not None and turn.answered_at is not None:
        rows.append(
            _row(
                chat,
                "bot",
                reply.text,
                turn.answered_at,
                intent=reply.intent,
                confidence=reply.confidence,
                guesses=_guesses(reply.ranking),
                suggestions=list(reply.suggestions) or None,
            )
        )
    ids = repository.add_messages(session, rows)
    message, *answers = (
        Message(id=i, feedback=None, **row) for i, row in zip(ids, rows, strict=True)
    )
    answer = answers[0] if answers else None

    # The live events in the order things happened, each with the state at that moment.
    # The conversation's own events need its new state: set on a copy, since the writer
    # may run this twice (core.group_commit) and the second run must see what the first saw.
    if turn.reopened or turn.handoff:
        chat = repository.session_copy(chat)
        chat.title = values.get("title", chat.title)
        chat.last_message_at = values["last_message_at"]
    if turn.reopened:
        chat.status, chat.assignee_id = SessionStatus.BOT, None
        events.emit_session(session, chat)
    events.emit_message(session, chat, message)
    if turn.handoff:
        for name, value in turn.handoff.items():
            setattr(chat, name, value)
        events.emit_session(session, chat)
        on_commit(session, metrics.record_handoff)
        stats.count_handoff(session, chat.id, turn.sent_at)
    answered = None
    if answer is not None and reply is not None:
        answered = (answer.sent_at, reply.intent, reply.intent == FALLBACK)
    stats.count_turn(session, chat.id, turn.sent_at, answered)
    on_commit(session, partial(metrics.record_message, "user"))
    if answer is not None and reply is not None:
        events.emit_message(session, chat, answer)
        on_commit(session, partial(metrics.record_message, "bot"))
        on_commit(session, partial(metrics.record_bot_answer, reply.intent))
        if turn.inbox_reason is not None:
            knowledge.record(
                session,
                reason=turn.inbox_reason,
                text=message.text,
                session_id=chat.id,
                message_id=message.id,
                answer_id=answer.id,
                intent=reply.intent,
                confidence=reply.confidence,
                guesses=answer.guesses,
            )
    return PostedMessage(message=message, answer=answer, reply=reply)


def _row(chat: ChatSession, sender: str, text: str, at: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "session_id": chat.id,
        "sender_type": sender,
        "text": text,
        "sent_at": at,
        "intent": None,
        "confidence": None,
        "author_id": None,
        "guesses": None,
        "suggestions": None,
        **extra,
    }


def _misunderstood(reply: Reply, policy: ChatPolicy) -> InboxReason | None:
    if reply.intent == FALLBACK:
        return InboxReason.FALLBACK
    if reply.clarification or reply.confidence < policy.low_confidence:
        return InboxReason.LOW_CONFIDENCE
    return None


def _reviewable(bot: BotRunner, intent: str) -> bool:
    """Whether an answer of ``intent`` is worth an admin's review: not the fallback (it
    reaches the inbox anyway), the handoff itself or small talk."""
    return intent not in (FALLBACK, HANDOFF_INTENT) and not bot.keeper.bot.is_smalltalk(intent)


def _sampled(bot: BotRunner, reply: Reply, policy: ChatPolicy) -> InboxReason | None:
    """A small random share of confident answers goes to review anyway."""
    if policy.review_sample_rate <= 0 or not _reviewable(bot, reply.intent):
        return None
    if random.random() < policy.review_sample_rate:  # noqa: S311 - a sample, not a secret
        return InboxReason.SAMPLED
    return None


def _guesses(ranking: Sequence[Ranked]) -> list[dict[str, object]]:
    """The bot's top three readings, for admins deciding what the user meant."""
    return [{"intent": r.intent, "confidence": round(r.confidence, 4)} for r in ranking[:3]]
