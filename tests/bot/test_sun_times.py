"""The sunrise/sunset skill: cities in any form, days, polar night/day, the city dialogue."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from sunsupport.bot import DialogueState, KnowledgeBot
from sunsupport.bot.skills.dates import NoSuchDay, parse_day
from sunsupport.bot.skills.gazetteer import default_gazetteer
from sunsupport.bot.skills.sun_times import Kind, compute, detect_kind
from tests.support.bot import ask

TIME = re.compile(r"\b\d{2}:\d{2}\b")


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("во сколько рассвет в Самаре", "Самара"),
        ("в Великом Новгороде", "Великий Новгород"),
        ("закат в Набережных Челнах", "Набережные Челны"),
        ("Петропавловск-Камчатский", "Петропавловск-Камчатский"),
        ("в Петропавловске-Камчатском", "Петропавловск-Камчатский"),
        ("в Ростове-на-Дону", "Ростов-на-Дону"),
        ("в Комсомольске-на-Амуре", "Комсомольск-на-Амуре"),
        ("в Нижнем Новгороде", "Нижний Новгород"),
        ("в Нижнем", "Нижний Новгород"),
        ("в Питере", "Санкт-Петербург"),
        ("СПб", "Санкт-Петербург"),
        ("Екат", "Екатеринбург"),
        ("в Екате", "Екатеринбург"),
        ("мск", "Москва"),
        ("Норильске", "Норильск"),
        ("в Йошкар-Оле", "Йошкар-Ола"),
        ("в Лондоне", "Лондон"),
        ("в Буэнос-Айресе", "Буэнос-Айрес"),
    ],
)
def test_gazetteer_finds_city_forms(text: str, city: str) -> None:
    found = default_gazetteer().find(text)
    assert found is not None and found.name == city


@pytest.mark.parametrize("text", ["солнце светит", "когда будет доставка", "привет"])
def test_gazetteer_ignores_ordinary_words(text: str) -> None:
    assert default_gazetteer().find(text) is None


def test_gazetteer_covers_big_russian_cities_and_capitals() -> None:
    cities = default_gazetteer().cities
    assert sum(c.country == "RU" for c in cities) >= 80
    assert sum(c.country != "RU" for c in cities) >= 50


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("сегодня", date(2025, 3, 10)),
        ("завтра", date(2025, 3, 11)),
        ("послезавтра", date(2025, 3, 12)),
        ("15 марта", date(2025, 3, 15)),
        ("15.03", date(2025, 3, 15)),
        ("1 мая 2026", date(2026, 5, 1)),
        ("3 января", date(2026, 1, 3)),
        ("15.03.26", date(2026, 3, 15)),
        ("29 февраля", date(2028, 2, 29)),
        ("завтра в 10.30", date(2025, 3, 11)),
        ("рассвет", None),
    ],
)
def test_parse_day(text: str, expected: date | None) -> None:
    assert parse_day(text, date(2025, 3, 10)) == expected


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("31.02", "31.02"),
        ("закат 29.02.2027", "29.02.2027"),
        ("01.01.0000", "01.01.0000"),
        ("рассвет 31 апреля", "31 апреля"),
        ("рассвет 32 марта", "32 марта"),
        ("закат 15.03.202", "15.03.202"),
        ("закат 01.01.0001", "01.01.0001"),
    ],
)
def test_a_day_the_calendar_does_not_have_is_named(text: str, label: str) -> None:
    with pytest.raises(NoSuchDay) as wrong:
        parse_day(text, date(2025, 3, 10))
    assert wrong.value.label == label


def test_the_29th_of_february_asked_after_it_passed_is_the_next_leap_years() -> None:
    assert parse_day("29 февраля", date(2028, 12, 1)) == date(2032, 2, 29)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("во сколько рассвет", Kind.SUNRISE),
        ("когда светает", Kind.SUNRISE),
        ("когда закат", Kind.SUNSET),
        ("во сколько стемнеет", Kind.SUNSET),
        ("долгота дня", Kind.DAYLENGTH),
        ("восход и закат", Kind.BOTH),
    ],
)
def test_detect_kind(text: str, kind: Kind) -> None:
    assert detect_kind(text) == kind


def test_times_are_local() -> None:
    moscow = default_gazetteer().find("Москва")
    assert moscow is not None
    times = compute(moscow, date(2025, 6, 21))
    assert times.sunrise is not None and times.sunset is not None
    assert (times.sunrise.hour, times.sunset.hour) == (3, 21)


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        (
            "во сколько рассвет в Норильске",
            datetime(2025, 12, 25, 6, tzinfo=UTC),
            "не восходит — полярная ночь",
        ),
        (
            "когда закат в Мурманске",
            datetime(2025, 6, 25, 6, tzinfo=UTC),
            "не заходит — полярный день",
        ),
        ("долгота дня в Воркуте 20 декабря", datetime(2025, 12, 1, tzinfo=UTC), "полярная ночь"),
    ],
)
def test_polar_night_and_day(bot: KnowledgeBot, text: str, now: datetime, expected: str) -> None:
    reply = bot.answer(text, DialogueState(), now=now)
    assert reply.intent == "sunrise_sunset"
    assert expected in reply.text
    assert not TIME.search(reply.text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("во сколько рассвет в Самаре", "Самара, сегодня, 10 марта: рассвет в"),
        ("когда закат в Калининграде завтра", "Калининград, завтра, 11 марта: закат в"),
        ("восход в Казани послезавтра", "Казань, послезавтра, 12 марта: рассвет в"),
        ("рассвет в Екатеринбурге 15 марта", "Екатеринбург, 15 марта: рассвет в"),
        ("закат 15.03 в Питере", "Санкт-Петербург, 15 марта: закат в"),
        ("долгота дня в Норильске", "Норильск, сегодня, 10 марта: световой день"),
        ("когда восход в Петропавловске-Камчатском", "Петропавловск-Камчатский"),
    ],
)
def test_sunrise_sunset_answers(bot: KnowledgeBot, text: str, expected: str) -> None:
    reply = ask(bot, text)
    assert reply.intent == "sunrise_sunset"
    assert reply.text.startswith(expected)
    assert TIME.search(reply.text)


def test_a_day_not_in_the_calendar_is_questioned_not_answered_for_today(
    bot: KnowledgeBot,
) -> None:
    reply = ask(bot, "когда рассвет в Казани 31 февраля?")
    assert reply.intent == "sunrise_sunset"
    assert reply.text.startswith("Такого дня нет в календаре: 31 февраля.")
    assert not TIME.search(reply.text)
    again = ask(bot, "1 марта", reply.state)  # the answer to "another date?"; same city
    assert again.intent == "sunrise_sunset"
    assert again.text.startswith("Казань, 1 марта: рассвет в")
    assert again.state.pending is None


def test_after_a_day_not_in_the_calendar_a_new_question_is_answered_as_such(
    bot: KnowledgeBot,
) -> None:
    reply = ask(bot, "во сколько закат в Самаре 30.02?")
    unclear = ask(bot, "эээ", reply.state)
    assert unclear.text.startswith("Не разобрал дату.")
    assert ask(bot, "сколько стоит подписка?", unclear.state).intent == "pricing"


def test_city_follow_up_dialogue(bot: KnowledgeBot) -> None:
    question = ask(bot, "во сколько закат завтра?")
    assert question.intent == "sunrise_sunset"
    assert question.state.pending == "sunrise_sunset:city"
    assert "город" in question.text

    answer = ask(bot, "Самара", question.state)
    assert answer.intent == "sunrise_sunset"
    assert answer.text.startswith("Самара, завтра, 11 марта: закат в")
    assert answer.state.pending is None

    again = ask(bot, "а рассвет послезавтра?", answer.state)
    assert again.text.startswith("Самара, послезавтра, 12 марта: рассвет в")


def test_city_follow_up_accepts_declined_names(bot: KnowledgeBot) -> None:
    question = ask(bot, "когда рассвет?")
    assert ask(bot, "в Набережных Челнах", question.state).text.startswith("Набережные Челны")


def test_pending_question_dropped_for_a_new_topic(bot: KnowledgeBot) -> None:
    question = ask(bot, "когда рассвет?")
    reply = ask(bot, "какие у вас тарифы", question.state)
    assert reply.intent == "pricing"
    assert reply.state.pending is None


def test_unknown_city_is_asked_again_then_dropped(bot: KnowledgeBot) -> None:
    question = ask(bot, "когда рассвет?")
    retry = ask(bot, "Мухосранск", question.state)
    assert retry.state.pending == "sunrise_sunset:city"
    assert "город" in retry.text
    gave_up = ask(bot, "Урюпинск", retry.state)
    assert gave_up.state.pending is None
