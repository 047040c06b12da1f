"""Turning a message into weighted index terms: lemmas, typo fixes, a city placeholder.

A word contributes up to three terms: its lemma (full weight), its surface form and
a short stem (lower weights). The surface form separates words that share a lemma
("бывай" vs "бывают"); the stem joins related words with different lemmas
("доставка" / "доставят", "вернуть" / "вернётся").
"""

from __future__ import annotations

from dataclasses import dataclass

from sunsupport.bot.morphology import is_known, lemma
from sunsupport.bot.normalize import tokenize
from sunsupport.bot.skills.gazetteer import CityMatch, Gazetteer
from sunsupport.bot.spelling import SpellingIndex

CITY_TERM = "<город>"
"""Every city name becomes this one term, so "рассвет в Самаре" and "рассвет в Омске"
are the same question to the matcher and the KB needs no example per city."""

SURFACE_WEIGHT = 0.4
STEM_WEIGHT = 0.5
STEM_LENGTH = 5

STOPWORDS = frozenset(
    "и а но или в во на с со к ко по о об от из за для же ли бы ну то вот "
    "да уж ведь пожалуйста плиз please подскажите скажите подскажи скажи "
    "это этот весь все так вообще просто уже еще быть есть бы тогда".split()
)
"""Function words with no intent signal. Pronouns and question words stay: "ты кто"
and "когда"/"почему" carry the intent; IDF weighting makes common ones cheap."""


@dataclass(frozen=True, slots=True)
class Analysis:
    tokens: list[str]
    cities: list[CityMatch]
    terms: dict[str, float]
    """Term → weight factor (multiplied by the term's IDF in the index)."""

    @property
    def lemmas(self) -> list[str]:
        return [t for t, w in self.terms.items() if w == 1.0]


class TextAnalyzer:
    def __init__(self, gazetteer: Gazetteer | None) -> None:
        self.gazetteer = gazetteer

    def analyse(self, text: str, spelling: SpellingIndex | None = None) -> Analysis:
        tokens = tokenize(text)
        cities = self.gazetteer.find_all(tokens) if self.gazetteer else []
        in_city = {i for match in cities for i in range(match.start, match.end)}
        terms: dict[str, float] = {}

        def put(term: str, weight: float) -> None:
            terms[term] = max(weight, terms.get(term, 0.0))

        for position, token in enumerate(tokens):
            if position in in_city:
                put(CITY_TERM, 1.0)
                continue
            if token.isdigit():
                continue
            word = self.correct(token, spelling)
            base = lemma(word)
            if base in STOPWORDS or word in STOPWORDS:
                continue
            put(base, 1.0)
            if word != base:
                put("=" + word, SURFACE_WEIGHT)
            if len(base) > STEM_LENGTH:
                put("~" + base[:STEM_LENGTH], STEM_WEIGHT)
        return Analysis(tokens, cities, terms)

    @staticmethod
    def correct(token: str, spelling: SpellingIndex | None) -> str:
        """An unknown word becomes the nearest word the KB uses, if one is close enough."""
        if spelling is not None and token not in spelling and not is_known(token):
            corrected = spelling.correct(token)
            if corrected is not None:
                return corrected
        return token
