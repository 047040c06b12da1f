"""The sunrise/sunset skill: find city and day, ask for a missing city, answer."""

from __future__ import annotations

from datetime import datetime

from sunsupport.bot.base import DialogueState
from sunsupport.bot.skills.dates import NoSuchDay, describe_day, parse_day
from sunsupport.bot.skills.gazetteer import City, default_gazetteer
from sunsupport.bot.skills.registry import SkillAnswer, SkillTurn, pending_id
from sunsupport.bot.skills.sun_times import compute, detect_kind, format_answer

LAST_CITY = "city"
QUESTION = "question"
ATTEMPTS = "attempts"
MAX_ATTEMPTS = 2

ASK_CITY = "Подскажу с удовольствием! Для какого города? Напишите название, например: Самара."
NO_SUCH_DAY = (
    "Такого дня нет в календаре: {label}. Назовите, пожалуйста, другую дату — например, "
    "«15 марта» или «завтра»."
)
ASK_DAY_AGAIN = "Не разобрал дату. Напишите, например: «15 марта», «20.06» или «завтра»."
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
        return _answer(turn.intent_id, city, turn.text, "", turn.now)

    def follow_up(self, turn: SkillTurn, new_topic: bool) -> SkillAnswer | None:
        """The message after "Для какого города?" (or, after a day not in the calendar,
        "Назовите другую дату"): a city (a day) answers the remembered question; anything
        else is asked about once more, unless it is clearly a new question."""
        question = str(turn.state.data.get(QUESTION, ""))
        asking_day = turn.state.pending == pending_id(turn.intent_id, "day")
        if asking_day:
            city = turn.cities[0].city if turn.cities else None
            city = city or _city_by_name(str(turn.state.data.get(LAST_CITY, "")))
            if city is not None and _names_a_day(turn.text, city, turn.now):
                return _answer(turn.intent_id, city, question, turn.text, turn.now, 1.0)
        elif turn.cities:
            city = turn.cities[0].city
            return _answer(turn.intent_id, city, question, turn.text, turn.now, 1.0)
        if new_topic:
            return None
        attempts = int(turn.state.data.get(ATTEMPTS, 0)) + 1
        if attempts >= MAX_ATTEMPTS:
            return None
        data = {**turn.state.data, ATTEMPTS: attempts}
        again = ASK_DAY_AGAIN if asking_day else ASK_AGAIN
        return SkillAnswer(again, DialogueState(pending=turn.state.pending, data=data), 0.0)


def _remember(city: City) -> DialogueState:
    return DialogueState(data={LAST_CITY: city.name})


def _city_by_name(name: str) -> City | None:
    return next((c for c in default_gazetteer().cities if c.name == name), None)


def _names_a_day(text: str, city: City, now: datetime) -> bool:
    """Whether ``text`` names a day the calendar has (in the city's own today)."""
    try:
        return parse_day(text, now.astimezone(city.tzinfo).date()) is not None
    except NoSuchDay:
        return False


def _answer(
    intent_id: str,
    city: City,
    question: str,
    follow_up: str,
    now: datetime,
    confidence: float | None = None,
) -> SkillAnswer:
    """The times for the day named in the follow-up or the question (else today); a day
    the calendar does not have is questioned, and the next message may name another."""
    today = now.astimezone(city.tzinfo).date()
    try:
        day = parse_day(follow_up, today) or parse_day(question, today) or today
    except NoSuchDay as wrong:
        data = {LAST_CITY: city.name, QUESTION: question, ATTEMPTS: 0}
        asked = DialogueState(pending=pending_id(intent_id, "day"), data=data)
        return SkillAnswer(NO_SUCH_DAY.format(label=wrong.label), asked, confidence)
    text = format_answer(compute(city, day), detect_kind(question), describe_day(day, today))
    return SkillAnswer(text, _remember(city), confidence)
