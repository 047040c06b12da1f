"""Which earlier answers a turn casts doubt on (the rules alone, no database)."""

from __future__ import annotations

from sunsupport.chat.repository import Said
from sunsupport.chat.review import ReviewRules, TurnFacts, suspects
from sunsupport.models import InboxReason

RULES = ReviewRules(
    low_confidence=0.4,
    reviewable=lambda intent: intent not in ("greeting", "thanks", "operator"),
    repeatable=lambda intent: intent == "sunrise_sunset",
)


def _pair(number: int, question: str, intent: str, confidence: float = 0.9) -> tuple:
    asked = Said(number * 2, "user", question, None, None)
    answer = Said(number * 2 + 1, "bot", "…", intent, confidence)
    return asked, answer


def _turn(text: str, intent: str | None, handoff: bool = False) -> TurnFacts:
    return TurnFacts(session_id="s", message_id=99, text=text, intent=intent, handoff=handoff)


def test_a_handoff_marks_the_last_confident_answer() -> None:
    earlier = [_pair(2, "спасибо", "thanks"), _pair(1, "какие тарифы", "pricing")]
    [(reason, question, answer)] = suspects(
        _turn("позовите человека", "operator", True), earlier, RULES
    )
    assert reason == InboxReason.ASKED_HUMAN and question.text == "какие тарифы"
    assert answer.intent == "pricing"


def test_the_same_intent_or_a_similar_message_again_is_a_rephrasing() -> None:
    earlier = [_pair(1, "когда привезут солнце", "sun_eta")]
    assert suspects(_turn("ну когда уже привезут", "sun_eta"), earlier, RULES)[0][0] == (
        InboxReason.REPHRASED
    )
    assert suspects(_turn("когда привезут солнце?!", "fallback"), earlier, RULES)
    assert suspects(_turn("а сколько стоит", "pricing"), earlier, RULES) == []


def test_small_talk_skills_and_unsure_answers_are_not_reviewed() -> None:
    assert (
        suspects(
            _turn("позовите человека", "operator", True), [_pair(1, "привет", "greeting")], RULES
        )
        == []
    )
    sunrise = [_pair(1, "рассвет в Самаре", "sunrise_sunset")]
    assert suspects(_turn("а в Казани рассвет?", "sunrise_sunset"), sunrise, RULES) == []
    unsure = [_pair(1, "что-то про солнце", "no_sun", confidence=0.3)]
    assert suspects(_turn("позовите человека", "operator", True), unsure, RULES) == []
