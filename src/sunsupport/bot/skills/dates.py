"""Which day a message asks about: сегодня, завтра, послезавтра, "15 марта", "15.03".

A date that reads as one but is not in the calendar ("31 февраля", "29.02.2027") is
:class:`NoSuchDay`, so the bot can say so instead of quietly answering for today. Pairs
of numbers that cannot be a day and a month ("10.30", "3.14") are not dates at all."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sunsupport.bot.normalize import normalize

MONTHS = {
    "январ": 1,
    "феврал": 2,
    "март": 3,
    "апрел": 4,
    "ма": 5,
    "июн": 6,
    "июл": 7,
    "август": 8,
    "сентябр": 9,
    "октябр": 10,
    "ноябр": 11,
    "декабр": 12,
}
MONTH_NAMES_GENITIVE = (
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
).split()

_RELATIVE = {"позавчера": -2, "вчера": -1, "сегодня": 0, "послезавтра": 2, "завтра": 1}
_NUMERIC = re.compile(r"\b(\d{1,2})[./](\d{1,2})(?:[./](\d{2,4}))?\b")
_WORDY = re.compile(r"\b(\d{1,2})\s+([а-я]+)(?:\s+(\d{4}))?")
_MONTH_WORD = re.compile(
    r"^(январ|феврал|март|апрел|ма[йяе]|июн|июл|август|сентябр|октябр|ноябр|декабр)"
)


def _month(word: str) -> int | None:
    match = _MONTH_WORD.match(word)
    if not match:
        return None
    stem = match.group(1)
    return 5 if stem.startswith("ма") and stem != "март" else MONTHS[stem]


class NoSuchDay(ValueError):
    """The message names a day the calendar does not have; ``label`` is how it was written."""

    def __init__(self, label: str) -> None:
        super().__init__(label)
        self.label = label


YEARS = range(1900, 2101)
"""Years the bot answers for (astral is good for centuries, but a year 202 or 0001 is a
slip, not a question)."""


def _build(day: int, month: int, year: str | None, today: date, label: str) -> date | None:
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None  # not a day and a month: a time, a version, a fraction
    if year is not None:  # "15.03.26" is 2026; a four-digit year is taken as written
        number = int(year) + (2000 if len(year) == 2 else 0)
        try:
            if number not in YEARS:
                raise ValueError(number)
            return date(number, month, day)
        except ValueError:
            raise NoSuchDay(label) from None
    # "15 марта" said in December means the coming March; "29 февраля", the next leap year's.
    for candidate in range(today.year, today.year + 9):
        try:
            result = date(candidate, month, day)
        except ValueError:
            continue
        if result >= today - timedelta(days=31):
            return result
    raise NoSuchDay(label)


def parse_day(text: str, today: date) -> date | None:
    """The day named in ``text``, or None when the message names none; :class:`NoSuchDay`
    when it names one the calendar does not have."""
    for numeric in _NUMERIC.finditer(text.lower()):
        day, month, year = numeric.groups()
        found = _build(int(day), int(month), year, today, numeric.group(0))
        if found:
            return found
    words = normalize(text)
    for match in _WORDY.finditer(words):
        month = _month(match.group(2))
        if month and not 1 <= int(match.group(1)) <= 31:  # "32 марта": a month named
            raise NoSuchDay(f"{int(match.group(1))} {MONTH_NAMES_GENITIVE[month - 1]}")
        if month:
            label = f"{int(match.group(1))} {MONTH_NAMES_GENITIVE[month - 1]}"
            label += f" {match.group(3)}" if match.group(3) else ""
            found = _build(int(match.group(1)), month, match.group(3), today, label)
            if found:
                return found
    for word in words.split():
        if word in _RELATIVE:
            return today + timedelta(days=_RELATIVE[word])
    return None


def describe_day(day: date, today: date) -> str:
    """ "сегодня, 15 марта" / "завтра, 16 марта" / "20 мая 2027"."""
    label = f"{day.day} {MONTH_NAMES_GENITIVE[day.month - 1]}"
    if day.year != today.year:
        label += f" {day.year}"
    relative = {0: "сегодня", 1: "завтра", 2: "послезавтра", -1: "вчера"}.get((day - today).days)
    return f"{relative}, {label}" if relative else label
