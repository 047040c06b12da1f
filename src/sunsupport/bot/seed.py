"""The seed's keyword rules and replies, word for word (../shared/seed/bot_rules.md): a
baseline bot for `bot eval` comparisons, and the replies the knowledge base keeps for the
seed's five intents (its spelling, "расчитываем", included)."""

from __future__ import annotations

from datetime import datetime

from sunsupport.bot.base import FALLBACK, DialogueState, Reply

GREETING = "Привет! Я бот тех. поддержки солнца. Что я могу для тебя сделать?"
WEATHER = (
    "По нашим данным сейчас солнечно. Но мы находимся на солнце, поэтому данные у Вас "
    "могут отличаться"
)
SUN_ETA = (
    "Мы отправили партию солнца в Ваш регион и расчитываем на её доставку в ближайшее время. "
    "Но мы не отвечаем за доставку, поэтому не можем сказать точные сроки."
)
NO_SUN = (
    "Производство солнца это продолжительный и сложный процесс, который может пойти не по "
    "плану. Если у Вас нет солнца, дождитесь производства и доставки в Ваш регион новой партии."
)
GOODBYE = "Пока!"
NOT_UNDERSTOOD = "Я тебя не понимаю"


class SeedRulesBot:
    """The seed's substring rules, in its order, on the lower-cased text; confidence is
    1.0 on a hit, 0.0 otherwise."""

    _rules: tuple[tuple[str, tuple[str, ...], str], ...] = (
        ("greeting", ("привет", "здравствуй"), GREETING),
        ("weather", ("погода",), WEATHER),
        ("sun_eta", ("когда будет солнце",), SUN_ETA),
        ("no_sun", ("почему нет солнца",), NO_SUN),
        ("goodbye", ("пока",), GOODBYE),
    )

    def answer(self, text: str, state: DialogueState, now: datetime | None = None) -> Reply:
        lowered = text.lower()
        for intent, keys, reply in self._rules:
            if any(k in lowered for k in keys):
                return Reply(text=reply, intent=intent, confidence=1.0, state=DialogueState())
        return Reply(
            text=NOT_UNDERSTOOD,
            intent=FALLBACK,
            confidence=0.0,
            state=DialogueState(fallback_streak=state.fallback_streak + 1),
        )
