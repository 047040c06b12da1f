"""Cross-validation on the knowledge base's own examples, and tuning the policy on it.

Each example is answered by a model trained on the other folds only (stratified
k-fold), so the scores say how the bot does on phrasings it has not seen. The same
out-of-fold readings tune the policy's threshold and margins: they are never tuned on
the data the model was trained on.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sunsupport.bot.base import FALLBACK, DialogueState
from sunsupport.bot.classifier import Match
from sunsupport.bot.engine import KnowledgeBot
from sunsupport.bot.kb import KnowledgeBase, Settings
from sunsupport.bot.policy import decide

THRESHOLDS = [round(0.15 + 0.05 * i, 2) for i in range(12)]
AMBIGUITY_MARGINS = [0.0, 0.04, 0.08, 0.12, 0.16, 0.2, 0.25]
FALLBACK_MARGINS = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]


@dataclass(frozen=True, slots=True)
class Reading:
    """One held-out example: its label and the out-of-fold model's ranking."""

    text: str
    gold: str
    ranking: tuple[Match, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    predicted: str
    clarification: bool
    alternative: str | None


@dataclass(frozen=True, slots=True)
class CvReport:
    folds: int
    readings: tuple[Reading, ...]
    settings: Settings
    thresholds: dict[str, float]

    def outcomes(self, settings: Settings | None = None) -> list[Outcome]:
        settings = settings or self.settings
        out = []
        for reading in self.readings:
            decision = decide(reading.ranking, settings, self.thresholds)
            out.append(
                Outcome(decision.intent, decision.alternative is not None, decision.alternative)
            )
        return out

    def scores(self, settings: Settings | None = None) -> dict[str, float]:
        outcomes = self.outcomes(settings)
        gold = [r.gold for r in self.readings]
        predicted = [o.predicted for o in outcomes]
        total = len(gold)
        correct = sum(g == p for g, p in zip(gold, predicted, strict=True))
        labels = sorted(set(gold))
        f1s = []
        for label in labels:
            tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
            fp = sum(p == label != g for g, p in zip(gold, predicted, strict=True))
            fn = sum(g == label != p for g, p in zip(gold, predicted, strict=True))
            f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
        oos_gold = sum(g == FALLBACK for g in gold)
        oos_predicted = sum(p == FALLBACK for p in predicted)
        oos_hit = sum(g == p == FALLBACK for g, p in zip(gold, predicted, strict=True))
        accepted = sum(
            g == FALLBACK and p != FALLBACK and not o.clarification
            for g, p, o in zip(gold, predicted, outcomes, strict=True)
        )
        return {
            "accuracy": correct / total if total else 0.0,
            "macro_f1": sum(f1s) / len(f1s) if f1s else 0.0,
            "oos_precision": oos_hit / oos_predicted if oos_predicted else 0.0,
            "oos_recall": oos_hit / oos_gold if oos_gold else 0.0,
            "false_accept": accepted / oos_gold if oos_gold else 0.0,
            "clarifications": sum(o.clarification for o in outcomes) / total if total else 0.0,
        }

    def confusions(self, limit: int = 10) -> list[tuple[tuple[str, str], int]]:
        pairs = Counter(
            (r.gold, o.predicted)
            for r, o in zip(self.readings, self.outcomes(), strict=True)
            if r.gold != o.predicted
        )
        return pairs.most_common(limit)

    def tuned(self) -> tuple[Settings, float]:
        """The policy settings with the best utility on the out-of-fold readings."""
        best: tuple[float, Settings] | None = None
        for threshold, ambiguity, margin in itertools.product(
            THRESHOLDS, AMBIGUITY_MARGINS, FALLBACK_MARGINS
        ):
            candidate = self.settings.model_copy(
                update={
                    "threshold": threshold,
                    "ambiguity_margin": ambiguity,
                    "fallback_margin": margin,
                }
            )
            value = utility(self.readings, self.outcomes(candidate))
            if best is None or value > best[0] + 1e-9:
                best = (value, candidate)
        assert best is not None
        return best[1], best[0]

    def format(self) -> str:
        s = self.scores()
        lines = [
            f"Cross-validation: stratified {self.folds}-fold on {len(self.readings)} KB examples",
            f"  accuracy {s['accuracy']:.1%}, macro-F1 {s['macro_f1']:.3f}",
            f"  out-of-scope precision {s['oos_precision']:.1%}, recall {s['oos_recall']:.1%}, "
            f"false accept {s['false_accept']:.1%}; clarifications {s['clarifications']:.1%}",
            f"  policy: threshold {self.settings.threshold}, ambiguity margin "
            f"{self.settings.ambiguity_margin}, fallback margin {self.settings.fallback_margin} "
            f"(utility {utility(self.readings, self.outcomes()):.3f})",
        ]
        confusions = self.confusions()
        if confusions:
            lines.append("  worst confusions (expected → predicted):")
            lines += [f"    {gold} → {got}: {count}" for (gold, got), count in confusions]
        tuned, value = self.tuned()
        t = self.scores(tuned)
        lines.append(
            f"  tuned on these folds: threshold {tuned.threshold}, ambiguity margin "
            f"{tuned.ambiguity_margin}, fallback margin {tuned.fallback_margin} → accuracy "
            f"{t['accuracy']:.1%}, false accept {t['false_accept']:.1%} (utility {value:.3f})"
        )
        return "\n".join(lines)


def utility(readings: Sequence[Reading], outcomes: Iterable[Outcome]) -> float:
    """Per message: a right answer +1; a question with the right intent among the two
    choices +0.5; a fallback on an in-scope question 0; a wrong answer −1. Out-of-scope:
    a fallback +1, a question −0.5, an answer (a false accept) −1. Averaged."""
    total = 0.0
    count = 0
    for reading, outcome in zip(readings, outcomes, strict=True):
        count += 1
        if reading.gold == FALLBACK:
            if outcome.predicted == FALLBACK:
                total += 1
            else:
                total -= 0.5 if outcome.clarification else 1
        elif outcome.clarification:
            total += 0.5 if reading.gold in (outcome.predicted, outcome.alternative) else -0.5
        elif outcome.predicted == reading.gold:
            total += 1
        elif outcome.predicted != FALLBACK:
            total -= 1
    return total / count if count else 0.0


def cross_validate(kb: KnowledgeBase, folds: int = 5, seed: int = 0) -> CvReport:
    """Out-of-fold readings of every KB example (``folds`` ≥ 2). Each fold trains a
    bot on the other folds' examples; a class with fewer examples than folds is
    spread as far as it goes (scikit-learn warns, we do not)."""
    import warnings

    from sklearn.model_selection import StratifiedKFold

    kb = kb.with_fallback()
    pairs = sorted({(i.id, e) for i in kb.intents for e in i.examples})
    labels = [intent for intent, _ in pairs]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    readings: list[Reading] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        splits = list(splitter.split(pairs, labels))
    for train_rows, test_rows in splits:
        kept = {pairs[i] for i in train_rows}
        intents = [
            i.model_copy(update={"examples": [e for e in i.examples if (i.id, e) in kept]})
            for i in kb.intents
        ]
        fold_kb = kb.model_copy(
            update={"intents": [i for i in intents if i.examples or i.id == FALLBACK]}
        )
        bot = KnowledgeBot(fold_kb)
        for row in test_rows:
            gold, text = pairs[row]
            reply = bot.answer(text, DialogueState())
            ranking = tuple(Match(r.intent, r.confidence) for r in reply.ranking)
            readings.append(Reading(text, gold, ranking))
    thresholds = {i.id: i.threshold for i in kb.intents if i.threshold}
    return CvReport(folds, tuple(readings), kb.settings, thresholds)
