"""City gazetteer: finds a city in a message, in any case form, by name or short alias."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from sunsupport.bot.morphology import lemma, lemma_variants
from sunsupport.bot.normalize import tokenize

DEFAULT_CITIES_PATH = Path(__file__).resolve().parents[2] / "data" / "cities.csv"


@dataclass(frozen=True, slots=True)
class City:
    name: str
    latitude: float
    longitude: float
    timezone: str
    country: str

    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class CityMatch:
    city: City
    start: int
    """Token span [start, end) of the city name in :func:`tokenize` output."""
    end: int


# A name token matches a message token when one of the token's possible lemmas
# (or the token itself) equals the name token or the name token's lemma.
_NameKey = tuple[frozenset[str], ...]


class Gazetteer:
    def __init__(self, cities: list[tuple[City, list[str]]]) -> None:
        self.cities = [city for city, _ in cities]
        self._by_first: dict[str, list[tuple[_NameKey, City]]] = defaultdict(list)
        self._starts: set[str] = set()
        """Two-letter beginnings of all name words: other words skip morphology."""
        for city, names in cities:
            for name in [city.name, *names]:
                key = tuple(frozenset({tok, lemma(tok)}) for tok in tokenize(name))
                if not key:
                    continue
                for first in key[0]:
                    self._by_first[first].append((key, city))
                self._starts.update(form[:2] for forms in key for form in forms)

    @classmethod
    def from_csv(cls, path: Path = DEFAULT_CITIES_PATH) -> Gazetteer:
        rows: list[tuple[City, list[str]]] = []
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                city = City(
                    name=row["name"],
                    latitude=float(row["lat"]),
                    longitude=float(row["lon"]),
                    timezone=row["tz"],
                    country=row["country"],
                )
                aliases = [a.strip() for a in row["aliases"].split("|") if a.strip()]
                rows.append((city, aliases))
        return cls(rows)

    def find_all(self, tokens: list[str]) -> list[CityMatch]:
        """Non-overlapping city mentions, longest name first at each position."""
        variants = [
            lemma_variants(tok) if tok[:2] in self._starts else frozenset((tok,)) for tok in tokens
        ]
        found: list[CityMatch] = []
        position = 0
        while position < len(tokens):
            best: CityMatch | None = None
            for form in variants[position]:
                for key, city in self._by_first.get(form, ()):
                    end = position + len(key)
                    if end > len(tokens) or (best and end <= best.end):
                        continue
                    rest = range(1, len(key))
                    if all(
                        _same_word(tokens[position + i], variants[position + i], key[i])
                        for i in rest
                    ):
                        best = CityMatch(city, position, end)
            if best:
                found.append(best)
                position = best.end
            else:
                position += 1
        return found

    def find(self, text: str) -> City | None:
        matches = self.find_all(tokenize(text))
        return matches[0].city if matches else None


def _same_word(token: str, variants: frozenset[str], key: frozenset[str]) -> bool:
    """Lemma match, or for the later words of a name a shared stem ("Йошкар-Оле" ~ "Ола")."""
    if variants & key:
        return True
    for name_token in key:
        stem = name_token[:-1] if name_token[-1] in "аяоеиыуюь" else name_token
        if len(stem) >= 2 and token.startswith(stem) and len(token) - len(stem) <= 2:
            return True
    return False


@cache
def default_gazetteer() -> Gazetteer:
    return Gazetteer.from_csv()
