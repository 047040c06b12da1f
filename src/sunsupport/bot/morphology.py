"""Russian morphology: pymorphy3 lemmas, with the analyser built once per process."""

from __future__ import annotations

from functools import cache, lru_cache

import pymorphy3


@cache
def analyzer() -> pymorphy3.MorphAnalyzer:
    """The dictionaries take ~0.2 s and ~15 MB to load, so one analyser is shared."""
    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def _normal_forms(word: str) -> tuple[str, ...]:
    """Normal forms of every parse, most probable first (ё folded to е).

    Parsing is the expensive step (~1 ms for an unknown word), hence the cache.
    """
    forms = (p.normal_form.replace("ё", "е") for p in analyzer().parse(word))
    return tuple(dict.fromkeys(forms)) or (word,)


def lemma(word: str) -> str:
    """The most probable normal form of ``word``."""
    return _normal_forms(word)[0]


@lru_cache(maxsize=200_000)
def lemma_variants(word: str) -> frozenset[str]:
    """Every normal form pymorphy3 considers, plus the word itself.

    Used where recall matters more than precision (city names: "Самаре" may be
    a form of "Самара" or of "Самар").
    """
    return frozenset((*_normal_forms(word), word))


@lru_cache(maxsize=200_000)
def is_known(word: str) -> bool:
    """Whether the word is in the dictionary (unknown words are typo candidates)."""
    return bool(analyzer().word_is_known(word))
