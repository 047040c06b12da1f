"""Turning a message into what the classifier reads: two views of the same words.

* ``chars``: the normalised words, typos fixed against the knowledge base's vocabulary
  and every city name replaced by one placeholder. Character n-grams of this view
  carry spelling variants, clipped words ("прив") and word endings.
* ``lemmas``: the dictionary form of each word (pymorphy3), so "доставите",
  "доставка" and "доставят" share features even when the KB has only one of them.

A city becomes :data:`CITY_TERM` in both views, so "рассвет в Самаре" and "рассвет
в Омске" are the same question to the model and the KB needs no example per city.
"""

from __future__ import annotations

from dataclasses import dataclass

from sunsupport.bot.morphology import is_known, lemma
from sunsupport.bot.normalize import tokenize
from sunsupport.bot.skills.gazetteer import CityMatch, Gazetteer
from sunsupport.bot.spelling import SpellingIndex

REAL_WORD_TYPO_LENGTH = 5
REAL_WORD_TYPO_FREQUENCY = 5
"""A dictionary word is read as a typo only for a KB word used in this many examples."""

CITY_TERM = "гггород"
"""A made-up word: no real word shares its character n-grams."""

STOPWORDS = frozenset(
    "и а но или в во на с со к ко по о об от из за для же ли бы ну то вот "
    "да уж ведь пожалуйста плиз please подскажите скажите подскажи скажи "
    "это этот весь все так просто уже еще быть есть бы тогда".split()
)
"""Function words left out of the lemma view (the character view keeps them: "ну это
самое" is a chit-chat pattern worth recognising). Question words stay: "когда" and
"почему" carry the intent."""


@dataclass(frozen=True, slots=True)
class Analysis:
    tokens: list[str]
    cities: list[CityMatch]
    words: list[str]
    """Tokens after typo correction, cities replaced by :data:`CITY_TERM`."""
    lemmas: list[str]
    """Lemmas of the content words (stop words and numbers left out)."""

    @property
    def chars(self) -> str:
        return " ".join(self.words)

    @property
    def lemma_text(self) -> str:
        return " ".join(self.lemmas)

    @property
    def empty(self) -> bool:
        return not self.words


class TextAnalyzer:
    def __init__(self, gazetteer: Gazetteer | None) -> None:
        self.gazetteer = gazetteer

    def analyse(self, text: str, spelling: SpellingIndex | None = None) -> Analysis:
        tokens = tokenize(text)
        cities = self.gazetteer.find_all(tokens) if self.gazetteer else []
        city_start = {match.start: match.end for match in cities}
        words: list[str] = []
        lemmas: list[str] = []
        position = 0
        while position < len(tokens):
            if position in city_start:
                words.append(CITY_TERM)
                lemmas.append(CITY_TERM)
                position = city_start[position]
                continue
            token = tokens[position]
            position += 1
            word = self.correct(token, spelling)
            words.append(word)
            if word.isdigit():
                continue
            base = lemma(word)
            if base not in STOPWORDS and word not in STOPWORDS:
                lemmas.append(base)
        return Analysis(tokens, cities, words, lemmas)

    @staticmethod
    def correct(token: str, spelling: SpellingIndex | None) -> str:
        """A word the KB never uses becomes the nearest word it does, if one is close
        enough. An unknown word is always a typo candidate; a dictionary word only when
        it is long and one letter away from a word the KB uses often ("пагода" →
        "погода": a typo that happens to be a real word)."""
        if spelling is None or token in spelling:
            return token
        if not is_known(token):
            corrected = spelling.correct(token)
        elif len(token) >= REAL_WORD_TYPO_LENGTH:
            corrected = spelling.correct(token, min_frequency=REAL_WORD_TYPO_FREQUENCY)
        else:
            corrected = None
        return corrected if corrected is not None else token
