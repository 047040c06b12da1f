"""Review of confident answers: the mistakes nobody reports.

Fallbacks and low-confidence answers reach the admins' inbox by themselves; a confident
wrong answer does not. The next turns tell on it: within two turns the user asks for a
human (``asked_human``) or asks the same thing again (``rephrased``: the same intent
again, or a message much like the earlier question). A 👎 already sends its answer to
the inbox, and a small random share of confident answers is sampled when stored.

The conversation's last answers are read together with the conversation before the turn
(no read of its own); the check runs once the turn is committed, and only a finding is
written, in a background task.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from loguru import logger
from rapidfuzz import fuzz
from sqlalchemy.orm import Session

from sunsupport.bot.normalize import normalize
from sunsupport.chat.repository import Said, guesses_of
from sunsupport.core.uow import Database
from sunsupport.knowledge import service as knowledge
from sunsupport.models import InboxReason

LOOKBACK_ANSWERS = 2
"""Answers "within two turns" of the message that tells on them."""
SIMILAR = 80
"""rapidfuzz ``token_set_ratio`` (0–100) above which a message repeats an earlier one."""

Exchange = tuple[Said | None, Said]
"""An answer and the user message it answered (None when there is none)."""
Suspect = tuple[InboxReason, Said | None, Said]
"""An answer in doubt: why, the question and the answer."""

_pending: set[asyncio.Task[None]] = set()


@dataclass(frozen=True, slots=True)
class TurnFacts:
    """What the review needs to know about a turn that was just stored."""

    session_id: str
    message_id: int
    text: str
    intent: str | None
    """The intent the bot read in this message (None: the bot did not answer)."""
    handoff: bool
    """This message asked for a human and the conversation went to the operators."""


@dataclass(frozen=True, slots=True)
class ReviewRules:
    low_confidence: float
    reviewable: Callable[[str], bool]
    """Whether answers of an intent are worth reviewing (not the fallback, small talk or
    the handoff itself)."""
    repeatable: Callable[[str], bool]
    """Whether asking an intent again is normal (a skill: sunrise in another city)."""


def after_turn(
    db: Database, facts: TurnFacts, earlier: Sequence[Exchange], rules: ReviewRules
) -> None:
    """Look back at the earlier answers (read with the conversation before the turn);
    what casts doubt on them is recorded in the background (the turn is committed)."""
    found = suspects(facts, earlier, rules)
    if not found:
        return
    task = asyncio.get_running_loop().create_task(_review(db, facts, found))
    _pending.add(task)
    task.add_done_callback(_pending.discard)


async def settled() -> None:
    """Wait for the reviews in flight (shutdown, tests)."""
    while _pending:
        await asyncio.gather(*list(_pending), return_exceptions=True)


async def _review(db: Database, facts: TurnFacts, found: list[Suspect]) -> None:
    try:
        await db.write(_record, facts.session_id, found)
    except Exception:  # a review is best effort; the conversation went on regardless
        logger.exception("reviewing the answers before message {} failed", facts.message_id)


def suspects(facts: TurnFacts, earlier: Sequence[Exchange], rules: ReviewRules) -> list[Suspect]:
    """The earlier confident answers this turn casts doubt on, with the reason.
    ``earlier``: (question, answer) pairs, newest first."""
    confident = [
        (question, answer)
        for question, answer in earlier
        if answer.intent is not None
        and rules.reviewable(answer.intent)
        and (answer.confidence or 0.0) >= rules.low_confidence
    ]
    if not confident:
        return []
    if facts.handoff:
        question, answer = confident[0]
        return [(InboxReason.ASKED_HUMAN, question, answer)]
    said = normalize(facts.text)
    found: list[Suspect] = []
    for question, answer in confident:
        same_intent = (
            facts.intent is not None
            and facts.intent == answer.intent
            and not rules.repeatable(answer.intent)
        )
        similar = (
            question is not None
            and said
            and fuzz.token_set_ratio(said, normalize(question.text)) >= SIMILAR
        )
        if same_intent or similar:
            found.append((InboxReason.REPHRASED, question, answer))
    return found


def _record(session: Session, session_id: str, found: list[Suspect]) -> None:
    for reason, question, answer in found:
        knowledge.record_review(
            session,
            reason=reason,
            text=question.text if question is not None else answer.text,
            session_id=session_id,
            message_id=question.id if question is not None else None,
            answer_id=answer.id,
            intent=answer.intent,
            confidence=answer.confidence,
            guesses=partial(guesses_of, session, answer.id),
        )
