"""Inverted index over KB examples with IDF-weighted cosine scoring.

A term weighs its inverse intent frequency (a word used by one intent is a strong
clue, one used by all is noise) times the analyser's factor. A query only touches
the examples and intents that share one of its terms, found through the postings,
so the cost per query follows the size of those postings, not of the KB.

An intent's score blends the best single example (a close paraphrase) with the
intent's centroid (all its examples together: a new combination of known words).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

EXAMPLE_SHARE = 0.7
UNKNOWN_DF = 0.5
CANDIDATE_POSTINGS = 500
"""Terms used by more examples than this only re-score candidates found by rarer ones."""
CENTROID_SHORTLIST = 25
"""Only the intents with the best examples get the (costlier) centroid score."""
"""Intent frequency assumed for a term no example uses (below 1: rarer than any)."""
"""Weight of the best example in the blend; the centroid gets the rest."""


@dataclass(frozen=True, slots=True)
class Match:
    intent: str
    score: float
    example: int
    """Index of the best example of that intent (-1 when only the centroid matched)."""


class ExampleIndex:
    def __init__(self, examples: Iterable[tuple[str, Mapping[str, float]]]) -> None:
        """``examples``: (intent id, {term: weight factor}) per example phrasing."""
        self._intent_of: list[str] = []
        self._terms: list[dict[str, float]] = []
        for intent, terms in examples:
            if terms:
                self._intent_of.append(intent)
                self._terms.append(dict(terms))
        intents_of_term: dict[str, set[str]] = defaultdict(set)
        for number, terms in enumerate(self._terms):
            for term in terms:
                intents_of_term[term].add(self._intent_of[number])
        self.intent_count = max(len(set(self._intent_of)), 1)
        self._idf = {
            term: math.log(1 + self.intent_count / len(owners))
            for term, owners in intents_of_term.items()
        }
        self.unknown_idf = math.log(1 + self.intent_count / UNKNOWN_DF)
        """Weight of a term no example uses: such a word hints that the question is
        about something else, so it dilutes every match."""

        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self._norms: list[float] = []
        for number, terms in enumerate(self._terms):
            vector = {t: self._idf[t] * f for t, f in terms.items()}
            self._norms.append(math.sqrt(sum(v * v for v in vector.values())))
            for term, value in vector.items():
                self._postings[term].append((number, value))

        counts: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for number, terms in enumerate(self._terms):
            for term, factor in terms.items():
                counts[self._intent_of[number]][term] += factor
        self._centroids: dict[str, dict[str, float]] = {}
        self._centroid_norms: dict[str, float] = {}
        for intent, per_term in counts.items():
            vector = {t: self._idf[t] * math.log1p(c) for t, c in per_term.items()}
            self._centroids[intent] = vector
            self._centroid_norms[intent] = math.sqrt(sum(v * v for v in vector.values()))

    def idf(self, term: str) -> float:
        return self._idf.get(term, self.unknown_idf)

    def example_terms(self, number: int) -> dict[str, float]:
        return self._terms[number]

    def search(self, terms: Mapping[str, float], limit: int = 5) -> list[Match]:
        """Best-scoring intents, best first."""
        query = {term: self.idf(term) * factor for term, factor in terms.items()}
        query_norm = math.sqrt(sum(v * v for v in query.values()))
        if not query_norm:
            return []
        dots = self._example_dots(query)
        best: dict[str, tuple[float, int]] = {}
        for number, dot in dots.items():
            score = dot / (query_norm * self._norms[number])
            intent = self._intent_of[number]
            if intent not in best or score > best[intent][0]:
                best[intent] = (score, number)
        shortlist = sorted(best.items(), key=lambda item: -item[1][0])[:CENTROID_SHORTLIST]
        matches = []
        for intent, (example_score, number) in shortlist:
            centroid = self._centroids[intent]
            dot = sum(value * centroid.get(term, 0.0) for term, value in query.items())
            centroid_score = dot / (query_norm * self._centroid_norms[intent])
            blended = EXAMPLE_SHARE * example_score + (1 - EXAMPLE_SHARE) * centroid_score
            matches.append(Match(intent, min(blended, 1.0), number))
        matches.sort(key=lambda m: (-m.score, m.intent))
        return matches[:limit]

    def _example_dots(self, query: dict[str, float]) -> dict[int, float]:
        """Dot products with every example sharing a term with the query.

        Selective terms (short postings) propose candidates through their postings;
        very common terms (long postings, low IDF) only add to those candidates by a
        lookup, so one frequent word does not make a query touch the whole KB.
        """
        by_length = sorted(query, key=lambda t: len(self._postings.get(t, ())))
        selective = [t for t in by_length if len(self._postings.get(t, ())) <= CANDIDATE_POSTINGS]
        if not any(t in self._postings for t in selective):
            known = [t for t in by_length if t in self._postings]
            selective = by_length[: by_length.index(known[0]) + 1] if known else by_length
        dots: dict[int, float] = defaultdict(float)
        for term in selective:
            for number, weight in self._postings.get(term, ()):
                dots[number] += query[term] * weight
        for term in by_length[len(selective) :]:
            value = query[term]
            idf = self._idf.get(term, 0.0)
            for number in dots:
                factor = self._terms[number].get(term)
                if factor is not None:
                    dots[number] += value * idf * factor
        return dots
