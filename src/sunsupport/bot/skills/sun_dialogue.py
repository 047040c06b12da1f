"""The sunrise/sunset conversation: find city and day, ask for a missing city, answer."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sunsupport.bot.base import DialogueState
from sunsupport.bot.skills.dates import describe_day, parse_day
from sunsupport.bot.skills.gazetteer import City, default_gazetteer
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


class _Analysed(Protocol):
    @property
    def cities(self) -> list: ...  # list[CityMatch]


def pending_id(intent_id: str) -> str:
    return f"{intent_id}:city"


def _city_by_name(name: str) -> City | None:
    return next((c for c in default_gazetteer().cities if c.name == name), None)


def _answer(city: City, question: str, follow_up: str, now: datetime) -> str:
    today = now.astimezone(city.tzinfo).date()
    day = parse_day(follow_up, today) or parse_day(question, today) or today
    return format_answer(compute(city, day), detect_kind(question), describe_day(day, today))


def respond(
    text: str, analysis: _Analysed, pending: str, state: DialogueState, now: datetime
) -> tuple[str, DialogueState]:
    """Answer a sunrise/sunset question, or ask for the city and remember the question."""
    city = analysis.cities[0].city if analysis.cities else None
    if city is None and LAST_CITY in state.data:
        city = _city_by_name(state.data[LAST_CITY])
    if city is None:
        return ASK_CITY, DialogueState(pending=pending, data={QUESTION: text, ATTEMPTS: 0})
    return _answer(city, text, "", now), DialogueState(data={LAST_CITY: city.name})


def answer_pending(
    text: str, analysis: _Analysed, state: DialogueState, now: datetime
) -> tuple[str, DialogueState]:
    city: City = analysis.cities[0].city
    question = str(state.data.get(QUESTION, ""))
    return _answer(city, question, text, now), DialogueState(data={LAST_CITY: city.name})


def ask_again(state: DialogueState) -> tuple[str, DialogueState] | None:
    """Ask once more for a city we did not recognise; give up after a few tries."""
    attempts = int(state.data.get(ATTEMPTS, 0)) + 1
    if attempts >= MAX_ATTEMPTS:
        return None
    data = {**state.data, ATTEMPTS: attempts}
    return ASK_AGAIN, DialogueState(pending=state.pending, data=data)
