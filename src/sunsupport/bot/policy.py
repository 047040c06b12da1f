"""Dialogue policy: when to trust the top intent, when to ask, when to give up.

Like Rasa's FallbackClassifier: below a confidence threshold the bot falls back;
when the two best intents are within a margin it asks which one was meant, unless one
of them asks for a human (then the person gets one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sunsupport.bot.base import FALLBACK
from sunsupport.bot.classifier import Match
from sunsupport.bot.kb import Settings

FOLLOW_UP_CONFIDENCE = 0.5
"""A message answering a pending question must beat this to be taken as a new topic."""


@dataclass(frozen=True, slots=True)
class Decision:
    intent: str
    confidence: float
    alternative: str | None = None
    """Set when the message is ambiguous between ``intent`` and this one."""


def decide(
    ranking: Sequence[Match],
    settings: Settings,
    intent_thresholds: Mapping[str, float] | None = None,
) -> Decision:
    strict = intent_thresholds or {}
    if ranking and ranking[0].score < strict.get(ranking[0].intent, 0.0):
        best_real = ranking[0].score
        return Decision(FALLBACK, round(1.0 - best_real, 4))
    if not ranking or ranking[0].intent == FALLBACK or ranking[0].score < settings.threshold:
        best_real = next((m.score for m in ranking if m.intent != FALLBACK), 0.0)
        return Decision(FALLBACK, round(1.0 - best_real, 4))
    top = ranking[0]
    fallback = next((m for m in ranking if m.intent == FALLBACK), None)
    if fallback is not None and top.score - fallback.score < settings.fallback_margin:
        # As close to an out-of-scope example as to any intent: safer not to guess.
        return Decision(FALLBACK, round(fallback.score, 4))
    runner_up = ranking[1] if len(ranking) > 1 else None
    if (
        runner_up is not None
        and runner_up.intent != FALLBACK
        and runner_up.score >= settings.threshold
        and top.score - runner_up.score < settings.ambiguity_margin
    ):
        human = top if top.intent == settings.handoff_intent else runner_up
        if human.intent == settings.handoff_intent and human.score >= strict.get(
            human.intent, settings.threshold
        ):  # only as sure as the handoff intent's own threshold asks
            return Decision(human.intent, human.score)
        return Decision(top.intent, top.score, alternative=runner_up.intent)
    return Decision(top.intent, top.score)


QUESTION_SHARE = 0.5
"""With small talk, a question intent must reach this share of the small-talk score
on the whole message, so an address ("Пока, бот") is not taken for a question."""


def answers_question_instead(
    ranking: Sequence[Match],
    remainder: Sequence[Match],
    smalltalk: frozenset[str],
    settings: Settings,
    question_terms: int,
) -> bool:
    """A greeting/thanks that carries a real question ("Добрый день, какие тарифы?"):
    the question, ranked without the small-talk words, wins when it is confident.
    A lone leftover word ("Пока, бот") must also matter on the whole message."""
    if not ranking or ranking[0].intent not in smalltalk or not remainder:
        return False
    best = remainder[0]
    if best.intent in smalltalk or best.intent == FALLBACK or best.score < settings.threshold:
        return False
    if question_terms >= 2:
        return True
    whole = next((m.score for m in ranking if m.intent == best.intent), 0.0)
    return whole >= QUESTION_SHARE * ranking[0].score
