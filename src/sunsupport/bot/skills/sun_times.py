"""Sunrise, sunset and day length for a city and day, computed with astral."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Protocol

from astral import Observer
from astral.sun import elevation, sunrise, sunset

from sunsupport.bot.normalize import tokenize
from sunsupport.bot.skills.gazetteer import City


class Kind(StrEnum):
    SUNRISE = "sunrise"
    SUNSET = "sunset"
    DAYLENGTH = "daylength"
    BOTH = "both"


_SUNRISE_WORDS = ("рассвет", "восход", "светает", "светать", "рассвета", "встает", "взойдет")
_SUNSET_WORDS = ("закат", "заход", "садится", "сядет", "стемнеет", "темнеет", "заходит", "зайдет")
_LENGTH_WORDS = ("долгота", "продолжительность", "длина", "длительность", "световой")


def detect_kind(text: str) -> Kind:
    """What the user asks about, from word stems (the rest of the engine has already
    decided the message is a sunrise/sunset question)."""
    tokens = tokenize(text)

    def has(stems: tuple[str, ...]) -> bool:
        return any(tok.startswith(stem[:5]) for tok in tokens for stem in stems)

    rise, set_, length = has(_SUNRISE_WORDS), has(_SUNSET_WORDS), has(_LENGTH_WORDS)
    if length:
        return Kind.DAYLENGTH
    if rise and not set_:
        return Kind.SUNRISE
    if set_ and not rise:
        return Kind.SUNSET
    return Kind.BOTH


@dataclass(frozen=True, slots=True)
class SunTimes:
    city: City
    day: date
    sunrise: datetime | None
    sunset: datetime | None
    polar: str | None = None
    """"night" (the Sun stays below the horizon all day), "day" (never sets), or None."""

    @property
    def day_length(self) -> timedelta | None:
        if self.sunrise and self.sunset and self.sunset > self.sunrise:
            return self.sunset - self.sunrise
        if self.polar == "day":
            return timedelta(hours=24)
        if self.polar == "night":
            return timedelta(0)
        return None


class _SunEvent(Protocol):
    """astral's :func:`~astral.sun.sunrise` or :func:`~astral.sun.sunset`."""

    def __call__(self, observer: Observer, *, date: date, tzinfo: tzinfo) -> datetime: ...


def compute(city: City, day: date) -> SunTimes:
    observer = Observer(latitude=city.latitude, longitude=city.longitude)
    tz = city.tzinfo
    rise = _event(sunrise, observer, day, tz)
    set_ = _event(sunset, observer, day, tz)
    polar = None
    if rise is None or set_ is None:
        noon = datetime.combine(day, time(12), tzinfo=tz)
        polar = "day" if elevation(observer, noon) > 0 else "night"
    return SunTimes(city, day, rise, set_, polar)


def _event(func: _SunEvent, observer: Observer, day: date, tz: tzinfo) -> datetime | None:
    """astral raises ValueError when the event does not happen that day (polar night/day).

    astral computes for the UTC date, so for zones far from UTC the result may land
    on the neighbouring local day; we retry with the adjacent date to get the local one.
    """
    for shift in (0, 1, -1):
        try:
            moment = func(observer, date=day + timedelta(days=shift), tzinfo=tz)
        except ValueError:
            continue
        if moment.date() == day:
            return moment
    return None


def _duration(value: timedelta) -> str:
    minutes = round(value.total_seconds() / 60)
    return f"{minutes // 60} ч {minutes % 60:02d} мин"


def format_answer(times: SunTimes, kind: Kind, day_label: str) -> str:
    head = f"{times.city.name}, {day_label}"
    if times.polar == "night" and (times.sunrise is None and times.sunset is None):
        return (
            f"{head}: Солнце в этот день не восходит — полярная ночь. "
            "Доставка возобновится, как только она закончится, а пока выручают фонари и "
            "северное сияние."
        )
    if times.polar == "day" and (times.sunrise is None and times.sunset is None):
        return (
            f"{head}: Солнце в этот день не заходит — полярный день, светло круглые сутки. "
            "Работаем без перерыва, панама обязательна."
        )
    rise = times.sunrise.strftime("%H:%M") if times.sunrise else "не восходит"
    set_ = times.sunset.strftime("%H:%M") if times.sunset else "не заходит"
    length = times.day_length
    parts = {
        Kind.SUNRISE: f"рассвет в {rise}",
        Kind.SUNSET: f"закат в {set_}",
    }
    length_text = f"световой день {_duration(length)}" if length is not None else ""
    if kind is Kind.SUNRISE:
        body = parts[Kind.SUNRISE]
    elif kind is Kind.SUNSET:
        body = parts[Kind.SUNSET]
    elif kind is Kind.DAYLENGTH:
        body = f"{length_text} (рассвет в {rise}, закат в {set_})"
    else:
        body = f"рассвет в {rise}, закат в {set_}"
        if length_text:
            body += f", {length_text}"
    body = body.replace("в не", "Солнце не")
    return f"{head}: {body} (местное время)."
