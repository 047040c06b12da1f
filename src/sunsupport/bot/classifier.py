"""The intent classifier: TF-IDF features of two views of a message, a linear model.

Features (scikit-learn ``TfidfVectorizer``, sublinear tf, l2 per block):

* character 2–5-grams within word boundaries of the corrected words (typos, slang,
  clipped words, endings);
* lemma unigrams and bigrams (a new form of a known word, word pairs like "нет солнца").

Model: multinomial logistic regression, which gives probabilities the policy can put
thresholds on. Out-of-scope is one of its classes (the KB's ``fallback`` examples), so
"how much is a phone" is learnt as *not ours*, not merely as "far from pricing".

A knowledge base with very many intents (``LINEAR_MAX_INTENTS``) gets a nearest-centroid
model instead: logistic regression over 10 000 classes would need a dense weight matrix
of classes × features and minutes of training; centroids train in one pass and answer
with one sparse product.

Training needs scikit-learn, imported here lazily; answering uses numpy and the
vocabularies only (the fitted vectorizers are not called per message: their per-call
overhead would be most of the cost of an answer).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

CHAR_NGRAMS = (2, 5)
LEMMA_NGRAMS = (1, 2)
LEMMA_WEIGHT = 0.8
"""The lemma block's weight relative to the character block (both are l2-normalised)."""
REGULARISATION_C = 50.0
LINEAR_MAX_INTENTS = 60
CENTROID_TEMPERATURE = 0.05
"""Centroid cosines become a probability-like score through a softmax at this scale."""
FEATURES_VERSION = 1
"""Bump when the features or the model change: cached models of older versions retrain."""


@dataclass(frozen=True, slots=True)
class Match:
    intent: str
    score: float


@dataclass(frozen=True, slots=True)
class Neighbour:
    """A training example close to a message (for ``explain``)."""

    text: str
    intent: str
    similarity: float


@dataclass(frozen=True, slots=True)
class Document:
    """One message as the model reads it (see :mod:`sunsupport.bot.analysis`)."""

    chars: str
    lemmas: str


class _Block:
    """One TF-IDF block, applied without sklearn: vocabulary look-ups and numpy."""

    def __init__(
        self,
        vocabulary: dict[str, int],
        idf: np.ndarray,
        offset: int,
        kind: Literal["char", "word"],
        ngrams: tuple[int, int],
        weight: float,
    ) -> None:
        self.vocabulary = vocabulary
        self.idf = idf
        self.offset = offset
        self.kind = kind
        self.ngrams = ngrams
        self.weight = weight

    def grams(self, text: str) -> list[str]:
        low, high = self.ngrams
        out: list[str] = []
        if self.kind == "char":  # exactly sklearn's "char_wb" analyser
            for word in text.split():
                padded = f" {word} "
                size = len(padded)
                for n in range(low, high + 1):
                    offset = 0
                    out.append(padded[offset : offset + n])
                    while offset + n < size:
                        offset += 1
                        out.append(padded[offset : offset + n])
                    if offset == 0:
                        break
            return out
        words = text.split()
        for n in range(low, high + 1):
            out.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
        return out

    def features(self, text: str) -> tuple[dict[int, float], int, int]:
        """(feature → weight, known grams, all grams) for one text."""
        counts: dict[int, int] = {}
        grams = self.grams(text)
        known = 0
        for gram in grams:
            column = self.vocabulary.get(gram)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
                known += 1
        values = {c: (1.0 + math.log(n)) * float(self.idf[c]) for c, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values()))
        if not norm:
            return {}, known, len(grams)
        scale = self.weight / norm
        return {self.offset + c: v * scale for c, v in values.items()}, known, len(grams)


@dataclass(frozen=True, slots=True)
class Vector:
    columns: np.ndarray
    values: np.ndarray
    coverage: float
    """Share of the message's character n-grams the KB has ever seen (gibberish ≈ 0)."""


class IntentModel:
    """A trained model; picklable (it is cached on disk by the KB's content hash)."""

    def __init__(
        self,
        intents: list[str],
        blocks: list[_Block],
        kind: Literal["linear", "centroid"],
        weights: Any,
        bias: np.ndarray,
        examples: csr_matrix,
        example_texts: list[str],
        example_intents: np.ndarray,
    ) -> None:
        self.intents = intents
        self.blocks = blocks
        self.kind = kind
        self.weights = weights
        """linear: dense (features × intents); centroid: sparse CSR (features × intents)."""
        self.bias = bias
        self.examples = examples
        self.example_texts = example_texts
        self.example_intents = example_intents

    def vector(self, doc: Document) -> Vector:
        merged: dict[int, float] = {}
        chars, known, total = self.blocks[0].features(doc.chars)
        merged.update(chars)
        for block in self.blocks[1:]:
            merged.update(block.features(doc.lemmas)[0])
        columns = np.fromiter(merged.keys(), dtype=np.int64, count=len(merged))
        values = np.fromiter(merged.values(), dtype=np.float64, count=len(merged))
        return Vector(columns, values, known / total if total else 0.0)

    def scores(self, vector: Vector) -> np.ndarray:
        """A probability per intent (in :attr:`intents` order)."""
        if self.kind == "linear":
            logits = vector.values @ self.weights[vector.columns] + self.bias
            logits = logits - logits.max()
            exp = np.exp(logits)
            result: np.ndarray = exp / exp.sum()
            return result
        norm = math.sqrt(float(vector.values @ vector.values)) or 1.0
        cosines = np.asarray(self.weights[vector.columns].T @ vector.values).ravel() / norm
        if len(cosines) == 1:  # one intent: how close the message is to it
            return np.clip(cosines, 0.0, 1.0)
        cosines = (cosines - cosines.max()) / CENTROID_TEMPERATURE
        exp = np.exp(cosines)
        out: np.ndarray = exp / exp.sum()
        return out

    def rank(self, vector: Vector, limit: int) -> list[Match]:
        if not vector.columns.size:
            return []
        scores = self.scores(vector)
        if len(scores) > limit:
            top = np.argpartition(-scores, limit)[:limit]
        else:
            top = np.arange(len(scores))
        ordered = sorted(top.tolist(), key=lambda i: (-scores[i], self.intents[i]))
        return [Match(self.intents[i], float(scores[i])) for i in ordered]

    def nearest(self, vector: Vector, limit: int, intents: Sequence[str] = ()) -> list[Neighbour]:
        """The training examples most similar (cosine) to the message, optionally only
        those of some intents."""
        if not vector.columns.size:
            return []
        rows = self.examples[:, vector.columns] @ vector.values
        norm = math.sqrt(float(vector.values @ vector.values)) * _BLOCKS_NORM
        similarity = np.asarray(rows).ravel() / norm if norm else np.zeros(rows.shape[0])
        if intents:
            wanted = np.isin(
                self.example_intents, [self.intents.index(i) for i in intents if i in self.intents]
            )
            similarity = np.where(wanted, similarity, -1.0)
        order = np.argsort(-similarity, kind="stable")[:limit]
        return [
            Neighbour(
                self.example_texts[i],
                self.intents[int(self.example_intents[i])],
                round(float(similarity[i]), 4),
            )
            for i in order.tolist()
            if similarity[i] > 0
        ]


_BLOCKS_NORM = math.sqrt(1 + LEMMA_WEIGHT**2)
"""The norm of every training row (two l2-normalised blocks, the second weighted)."""


def train(docs: Sequence[Document], labels: Sequence[str], texts: Sequence[str]) -> IntentModel:
    """Fit a model. Deterministic: the caller passes examples in a stable order and
    the solver has no randomness (lbfgs)."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer

    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True, lowercase=False
    )
    lemmas = TfidfVectorizer(
        analyzer="word",
        token_pattern=r"\S+",  # noqa: S106 - a regular expression, not a password
        ngram_range=LEMMA_NGRAMS,
        sublinear_tf=True,
        lowercase=False,
    )
    x_chars = chars.fit_transform([d.chars for d in docs])
    has_lemmas = any(d.lemmas for d in docs)
    blocks = [_block(chars, 0, "char", CHAR_NGRAMS, 1.0)]
    parts = [x_chars]
    if has_lemmas:
        x_lemmas = lemmas.fit_transform([d.lemmas for d in docs]) * LEMMA_WEIGHT
        blocks.append(_block(lemmas, x_chars.shape[1], "word", LEMMA_NGRAMS, LEMMA_WEIGHT))
        parts.append(x_lemmas)
    x = csr_matrix(hstack(parts, format="csr"))

    intents = sorted(set(labels))
    index = {intent: i for i, intent in enumerate(intents)}
    y = np.array([index[label] for label in labels], dtype=np.int64)
    if 1 < len(intents) <= LINEAR_MAX_INTENTS:
        kind: Literal["linear", "centroid"] = "linear"
        weights, bias = _fit_linear(x, y, len(intents))
    else:
        kind = "centroid"
        weights, bias = _fit_centroids(x, y, len(intents))
    return IntentModel(intents, blocks, kind, weights, bias, x, list(texts), y)


def _block(
    vectorizer: Any, offset: int, kind: Literal["char", "word"], ngrams: tuple[int, int], w: float
) -> _Block:
    vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
    return _Block(vocabulary, np.asarray(vectorizer.idf_), offset, kind, ngrams, w)


def _fit_linear(x: csr_matrix, y: np.ndarray, classes: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    # Newton-CG converges in a few exact steps here (~0.3 s for the default KB). One
    # BLAS thread: more only fight the server's own threads for the cores (3x slower).
    model = LogisticRegression(C=REGULARISATION_C, solver="newton-cg", max_iter=200)
    with threadpool_limits(limits=1):
        model.fit(x, y)
    coef, intercept = np.asarray(model.coef_), np.asarray(model.intercept_)
    if classes == 2:  # sklearn keeps one row for two classes: softmax over [0, w·x + b]
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.concatenate([np.zeros(1), intercept])
    # Stored features × intents, C-contiguous, so one message's columns are one gather.
    return np.ascontiguousarray(coef.T), intercept


def _fit_centroids(x: csr_matrix, y: np.ndarray, classes: int) -> tuple[Any, np.ndarray]:
    from scipy.sparse import csr_matrix
    from sklearn.preprocessing import normalize

    membership = csr_matrix((np.ones(len(y)), (y, np.arange(len(y)))), shape=(classes, x.shape[0]))
    centroids = normalize(membership @ x)
    return csr_matrix(centroids.T), np.zeros(classes)
