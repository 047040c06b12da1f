"""Typo tolerance: map an unknown word to the nearest word the knowledge base uses.

Candidates come from a symmetric-delete index (the SymSpell idea): every
vocabulary word is stored under itself and each of its one-letter deletions,
and a query word looks up the same keys. That finds all words within one
insertion, deletion, substitution or adjacent transposition without scanning
the vocabulary; rapidfuzz's optimal string alignment distance then ranks them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz.distance import OSA

MIN_LENGTH = 4
"""Shorter words are too easy to confuse ("кот"/"кто") to correct."""


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))} | {word}


class SpellingIndex:
    def __init__(self, vocabulary: Iterable[str], frequency: dict[str, int] | None = None) -> None:
        self._frequency = frequency or {}
        self._keys: dict[str, list[str]] = defaultdict(list)
        self._vocabulary: set[str] = set()
        for word in vocabulary:
            self.add(word)

    def add(self, word: str) -> None:
        if word in self._vocabulary or len(word) < MIN_LENGTH - 1:
            return
        self._vocabulary.add(word)
        for key in _deletes(word):
            self._keys[key].append(word)

    def __contains__(self, word: str) -> bool:
        return word in self._vocabulary

    def correct(self, word: str, min_frequency: int = 0) -> str | None:
        """The closest vocabulary word at distance 1, or None (ties: the more frequent);
        only words seen at least ``min_frequency`` times qualify."""
        if len(word) < MIN_LENGTH:
            return None
        candidates: set[str] = set()
        for key in _deletes(word):
            candidates.update(self._keys.get(key, ()))
        best: tuple[int, int, str] | None = None
        for candidate in candidates:
            distance = OSA.distance(word, candidate)
            if distance > 1 or self._frequency.get(candidate, 0) < min_frequency:
                continue
            rank = (distance, -self._frequency.get(candidate, 0), candidate)
            if best is None or rank < best:
                best = rank
        return best[2] if best else None
