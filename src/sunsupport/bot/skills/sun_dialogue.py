"""The sunrise/sunset skill: find city and day, ask for a missing city, answer."""

from __future__ import annotations

from datetime import datetime

from sunsupport.bot.base import DialogueState
from sunsupport.bot.skills.dates import describe_day, parse_day
from sunsupport.bot.skills.gazetteer import City, default_gazetteer
from sunsupport.bot.skills.registry import SkillAnswer, SkillTurn, pending_id
from sunsupport.bot.skills.sun_times import compute, detect_kind, format_answer

LAST_CITY = "city"
QUESTION = "question"
ATTEMPTS = "attempts"
MAX_ATTEMPTS = 2

ASK_CITY = "Подскажу с удовольствием! Для какого города? Напишите название, например: Самара."
ASK_AGAIN = (
    "Не нашёл такой город в своём атласе. Напишите, пожалуйста, крупный город "
    "или столицу — например, «Казань» или «Санкт-Петербург»."
)


class SunTimesSkill:
    """``skill: sun_times``. Remembers the last city, so "а завтра?" needs none."""

    name = "sun_times"
    kept_memory = frozenset({LAST_CITY})

    def respond(self, turn: SkillTurn) -> SkillAnswer:
        """Answer a sunrise/sunset question, or ask for the city and remember the question."""
        city = turn.cities[0].city if turn.cities else None
        if city is None and LAST_CITY in turn.state.data:
            city = _city_by_name(turn.state.data[LAST_CITY])
        if city is None:
            asked = DialogueState(
                pending=pending_id(turn.intent_id, "city"), data={QUESTION: turn.text, ATTEMPTS: 0}
            )
            return SkillAnswer(ASK_CITY, asked)
        return SkillAnswer(_answer(city, turn.text, "", turn.now), _remember(city))

    def follow_up(self, turn: SkillTurn, new_topic: bool) -> SkillAnswer | None:
        """The message after "Для какого города?": a city answers the remembered question;
        anything else is asked about once more, unless it is clearly a new question."""
        if turn.cities:
            city = turn.cities[0].city
            question = str(turn.state.data.get(QUESTION, ""))
            return SkillAnswer(_answer(city, question, turn.text, turn.now), _remember(city), 1.0)
        if new_topic:
            return None
        attempts = int(turn.state.data.get(ATTEMPTS, 0)) + 1
        if attempts >= MAX_ATTEMPTS:
            return None
        data = {**turn.state.data, ATTEMPTS: attempts}
        return SkillAnswer(ASK_AGAIN, DialogueState(pending=turn.state.pending, data=data), 0.0)


def _remember(city: City) -> DialogueState:
    return DialogueState(data={LAST_CITY: city.name})


def _city_by_name(name: str) -> City | None:
    return next((c for c in default_gazetteer().cities if c.name == name), None)


def _answer(city: City, question: str, follow_up: str, now: datetime) -> str:
    today = now.astimezone(city.tzinfo).date()
    day = parse_day(follow_up, today) or parse_day(question, today) or today
    return format_answer(compute(city, day), detect_kind(question), describe_day(day, today))
