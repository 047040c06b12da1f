"""Which day a message asks about: сегодня, завтра, послезавтра, "15 марта", "15.03"."""

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


def _build(day: int, month: int, year: int | None, today: date) -> date | None:
    if year is not None and year < 100:
        year += 2000
    try:
        result = date(year or today.year, month, day)
    except ValueError:
        return None
    # "15 марта" said in December means the coming March.
    if year is None and result < today - timedelta(days=31):
        result = result.replace(year=today.year + 1)
    return result


def parse_day(text: str, today: date) -> date | None:
    """The day named in ``text``, or None when the message names none."""
    numeric = _NUMERIC.search(text.lower())
    if numeric:
        day, month, year = numeric.groups()
        found = _build(int(day), int(month), int(year) if year else None, today)
        if found:
            return found
    words = normalize(text)
    for match in _WORDY.finditer(words):
        month = _month(match.group(2))
        if month:
            year = match.group(3)
            found = _build(int(match.group(1)), month, int(year) if year else None, today)
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
