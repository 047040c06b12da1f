"""Accuracy of a bot on labelled questions (`sunsupport bot eval FILE`)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sunsupport.bot.base import Bot, DialogueState


class EvalDataError(ValueError):
    """A labelled file that cannot be read; the message names the file and line."""


def read_jsonl(path: Path | str) -> list[tuple[str, str]]:
    """Rows of ``{"text": ..., "intent": ...}``; blank lines are skipped."""
    path = Path(path)
    rows: list[tuple[str, str]] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalDataError(f"{path}: cannot read the file: {exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalDataError(f"{path}:{number}: invalid JSON: {exc.msg}") from exc
        if not isinstance(row, dict):
            raise EvalDataError(f"{path}:{number}: expected an object with 'text' and 'intent'")
        text, intent = row.get("text"), row.get("intent")
        if not isinstance(text, str) or not text.strip():
            raise EvalDataError(f"{path}:{number}: 'text' must be a non-empty string")
        if not isinstance(intent, str) or not intent.strip():
            raise EvalDataError(f"{path}:{number}: 'intent' must be a non-empty string")
        rows.append((text, intent))
    return rows


@dataclass(frozen=True, slots=True)
class IntentScore:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(slots=True)
class EvalReport:
    total: int = 0
    correct: int = 0
    gold: Counter[str] = field(default_factory=Counter)
    predicted: Counter[str] = field(default_factory=Counter)
    hits: Counter[str] = field(default_factory=Counter)
    errors: list[tuple[str, str, str]] = field(default_factory=list)
    """(text, expected, predicted) of every miss."""

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def per_intent(self) -> dict[str, IntentScore]:
        scores: dict[str, IntentScore] = {}
        for intent in sorted(set(self.gold) | set(self.predicted)):
            hit = self.hits[intent]
            precision = hit / self.predicted[intent] if self.predicted[intent] else 0.0
            recall = hit / self.gold[intent] if self.gold[intent] else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            scores[intent] = IntentScore(precision, recall, f1, self.gold[intent])
        return scores

    def confusions(self) -> Counter[tuple[str, str]]:
        return Counter((expected, got) for _, expected, got in self.errors)

    def format(self) -> str:
        lines = [f"Accuracy: {self.accuracy:.1%} ({self.correct}/{self.total})", ""]
        lines.append(f"{'intent':<16} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}")
        for intent, s in self.per_intent().items():
            lines.append(
                f"{intent:<16} {s.precision:>9.2f} {s.recall:>7.2f} {s.f1:>6.2f} {s.support:>8}"
            )
        if self.errors:
            lines += ["", "Confusions (expected → predicted):"]
            for (expected, got), count in self.confusions().most_common():
                lines.append(f"  {expected} → {got}: {count}")
            lines += ["", "Misses:"]
            for text, expected, got in self.errors:
                lines.append(f"  {text!r}: expected {expected}, got {got}")
        return "\n".join(lines)


def evaluate(bot: Bot, rows: Iterable[tuple[str, str]]) -> EvalReport:
    """Answer each text in a fresh conversation and compare the intent with the label."""
    report = EvalReport()
    for text, expected in rows:
        got = bot.answer(text, DialogueState()).intent
        report.total += 1
        report.gold[expected] += 1
        report.predicted[got] += 1
        if got == expected:
            report.correct += 1
            report.hits[expected] += 1
        else:
            report.errors.append((text, expected, got))
    return report
