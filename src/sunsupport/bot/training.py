"""From examples to a ready model: analyse them, train (or load the cached model), and
derive what the engine needs beside the model (spelling vocabulary, small-talk words)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from loguru import logger

from sunsupport.bot import model_cache
from sunsupport.bot.analysis import CITY_TERM, Analysis, TextAnalyzer
from sunsupport.bot.classifier import FEATURES_VERSION, Document, IntentModel, train
from sunsupport.bot.morphology import lemma
from sunsupport.bot.spelling import SpellingIndex

MIN_COVERAGE = 0.2
"""A message whose character n-grams are mostly unknown to the KB ("asdfgh", another
alphabet) is not classified at all."""


@dataclass(frozen=True, slots=True)
class Trained:
    """Everything derived from the examples; rebuilt as a whole and swapped atomically."""

    key: str
    model: IntentModel
    spelling: SpellingIndex
    smalltalk_only: frozenset[str]
    """Lemmas used only by small-talk intents (привет, спасибо, добрый…)."""
    min_coverage: float = MIN_COVERAGE

    def without_smalltalk(self, analysis: Analysis) -> Analysis | None:
        """The message without its small-talk words; None when nothing else is left or
        nothing was removed."""
        kept = [w for w in analysis.words if w == CITY_TERM or lemma(w) not in self.smalltalk_only]
        if not kept or len(kept) == len(analysis.words):
            return None
        lemmas = [x for x in analysis.lemmas if x not in self.smalltalk_only]
        return Analysis(analysis.tokens, analysis.cities, kept, lemmas)


def train_or_load(
    examples: Sequence[tuple[str, str]],
    analyzer: TextAnalyzer,
    smalltalk: frozenset[str],
    cache_dir: Path | None,
) -> Trained:
    """Deterministic: the same examples (in any order) give the same model."""
    pairs = sorted(set(examples))
    key = model_cache.content_key(pairs, FEATURES_VERSION)
    cached = model_cache.load(cache_dir, key)
    if isinstance(cached, Trained) and cached.key == key:
        return cached
    started = time.perf_counter()
    trained = _train(key, pairs, analyzer, smalltalk)
    logger.info(
        "bot model trained: {} examples, {} intents, {} in {:.2f} s",
        len(pairs),
        len(trained.model.intents),
        trained.model.kind,
        time.perf_counter() - started,
    )
    model_cache.store(cache_dir, key, trained)
    return trained


def _train(
    key: str, pairs: list[tuple[str, str]], analyzer: TextAnalyzer, smalltalk: frozenset[str]
) -> Trained:
    docs: list[Document] = []
    frequency: dict[str, int] = {}
    owners: dict[str, set[str]] = {}
    for intent, text in pairs:
        analysis = analyzer.analyse(text)
        docs.append(Document(analysis.chars, analysis.lemma_text))
        for token in analysis.tokens:
            frequency[token] = frequency.get(token, 0) + 1
        for word in analysis.lemmas:
            owners.setdefault(word, set()).add(intent)
    smalltalk_only = frozenset(
        word for word, ids in owners.items() if ids <= smalltalk and word != CITY_TERM
    )
    model = train(docs, [intent for intent, _ in pairs], [text for _, text in pairs])
    return Trained(key, model, SpellingIndex(frequency, frequency), smalltalk_only)
