"""The seed's keyword rules, kept as a baseline bot (and for `bot eval` comparisons)."""

from __future__ import annotations

from datetime import datetime

from sunsupport.bot.base import FALLBACK, DialogueState, Reply

GREETING = "Привет! Я бот тех. поддержки солнца. Что я могу для тебя сделать?"
WEATHER = "На Солнце сегодня солнечно: +5500 °C, без осадков. Рекомендуем панаму!"
SUN_ETA = "Новая партия солнца уже в пути! Доставка — завтра утром, вместе с рассветом."
NO_SUN = (
    "Солнце на месте, просто сейчас оно светит другой стороне Земли. "
    "Доставка ежедневная — дождитесь рассвета!"
)
GOODBYE = "Пока!"
NOT_UNDERSTOOD = "Я тебя не понимаю"


class SeedRulesBot:
    """Substring rules in the seed's spirit; confidence is 1.0 on a hit, 0.0 otherwise."""

    _rules: tuple[tuple[str, tuple[str, ...], str], ...] = (
        ("greeting", ("привет", "здравствуй"), GREETING),
        ("weather", ("погод",), WEATHER),
        ("no_sun", ("нет солнца", "солнца нет"), NO_SUN),
        ("sun_eta", ("когда", "солнц"), SUN_ETA),
        ("goodbye", ("пока",), GOODBYE),
    )

    def answer(self, text: str, state: DialogueState, now: datetime | None = None) -> Reply:
        lowered = text.lower()
        for intent, keys, reply in self._rules:
            hit = (
                all(k in lowered for k in keys)
                if intent == "sun_eta"
                else any(k in lowered for k in keys)
            )
            if hit:
                return Reply(text=reply, intent=intent, confidence=1.0, state=DialogueState())
        return Reply(
            text=NOT_UNDERSTOOD,
            intent=FALLBACK,
            confidence=0.0,
            state=DialogueState(fallback_streak=state.fallback_streak + 1),
        )
